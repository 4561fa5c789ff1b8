//! `aci-self-delete`: deletes the Azure Container Instances group this process runs in.
//!
//! Configured only by environment variables: `AZ_ACI_NAME`, `AZ_ACI_RG`, `AZ_SUBSCRIPTION_ID`,
//! `AZ_CLOUD` (default AzureCloud) and arm-core's credential variables (`AZ_MANAGED_IDENTITY`,
//! `AZ_TENANT_ID`, `AZ_SERVICE_PRINCIPAL`, `AZ_SERVICE_PRINCIPAL_KEY`, ...).
//!
//! Exit codes: 0 when the deletion was accepted, the group was already gone, or self-deletion is
//! not configured (nothing to do); 1 when Azure refused or could not be reached in time; 2 when
//! the configuration is invalid (nothing was sent).

use aci_lifecycle::Error;
use aci_lifecycle::self_delete::{SelfDeleteOutcome, self_delete_from_env};
use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match self_delete_from_env(&arm_core::ProcessEnv).await {
        Ok(SelfDeleteOutcome::NotConfigured) => {
            println!("self-delete: not configured (AZ_ACI_NAME, AZ_ACI_RG, AZ_SUBSCRIPTION_ID unset), skipping");
            ExitCode::SUCCESS
        }
        Ok(outcome) => {
            println!("self-delete: {outcome:?}");
            ExitCode::SUCCESS
        }
        Err(error @ (Error::InvalidInput { .. } | Error::Arm(arm_core::Error::Config(_)))) => {
            eprintln!("self-delete: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("self-delete failed: {error}");
            ExitCode::FAILURE
        }
    }
}
