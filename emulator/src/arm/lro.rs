//! The internal API resource handlers use to run long-running operations.

use hyper::StatusCode;

use crate::clock::Clock;
use crate::http::Reply;
use crate::model::World;
use crate::model::operations::{NewOperation, Operation};

/// The polling URLs of a started operation.
#[derive(Debug, Clone)]
pub(crate) struct OperationHandle {
    pub id: String,
    /// Absolute `Azure-AsyncOperation` URL (status resource).
    pub azure_async_operation: String,
    /// Absolute `Location` URL (final result).
    pub location: String,
    pub retry_after_secs: u64,
}

impl OperationHandle {
    /// The URLs of an operation.
    pub fn of(operation: &Operation, arm: &str, retry_after_secs: u64) -> Self {
        let version = &operation.spec.api_version;
        OperationHandle {
            id: operation.spec.id.clone(),
            azure_async_operation: format!("{arm}{}?api-version={version}", operation.status_path()),
            location: format!("{arm}{}?api-version={version}", operation.result_path()),
            retry_after_secs,
        }
    }

    /// `202 Accepted` with `Location` and `Retry-After` (how Microsoft.Resources answers).
    pub fn accepted_with_location(&self) -> Reply {
        Reply::empty(StatusCode::ACCEPTED)
            .with_header("location", &self.location)
            .with_header("retry-after", &self.retry_after_secs.to_string())
    }

    /// `reply` with `Azure-AsyncOperation` and `Retry-After` (how most resource providers
    /// answer a PUT).
    pub fn with_async_operation(&self, reply: Reply) -> Reply {
        reply
            .with_header("azure-asyncoperation", &self.azure_async_operation)
            .with_header("retry-after", &self.retry_after_secs.to_string())
    }

    /// `202 Accepted` with `Azure-AsyncOperation`, `Location` and `Retry-After`.
    pub fn accepted_with_async_operation(&self) -> Reply {
        self.with_async_operation(Reply::empty(StatusCode::ACCEPTED))
            .with_header("location", &self.location)
    }
}

/// Starts an operation in `world` at the emulator's `clock` time and returns its URLs.
pub(crate) fn start(
    world: &mut World,
    spec: NewOperation,
    clock: &Clock,
    arm: &str,
    retry_after_secs: u64,
) -> OperationHandle {
    let operation = world.operations.start(spec, clock.instant(), clock.now());
    OperationHandle::of(operation, arm, retry_after_secs)
}
