//! `preflight --subnet-id`: the subnet's security group and route table read, the outbound
//! rules evaluated for every destination an agent pool needs
//! ([`NetworkClient::preflight`](acr_agentpool::network::NetworkClient::preflight)), the table
//! printed: destination, port, verdict, deciding rule.
//!
//! Exit codes: 0 when no destination is denied (a row through a firewall or unknown is a
//! warning: this command cannot see past an appliance or settle an IP prefix against a service
//! tag), 1 when one is denied (the check failed: a pool there would report `Succeeded` and queue
//! runs forever), 2 for a bad subnet id. With `--registry`, rules with regional service tags are
//! read in the registry's region (where the pool would be), else in the security group's.

use super::args::PreflightArgs;
use super::session::Session;
use super::{errors, exit, failed};
use acr_agentpool::network::{PreflightOptions, PreflightReport, Verdict};

/// Runs `preflight`; returns the exit code.
pub(super) async fn run(session: &Session, args: &PreflightArgs) -> u8 {
    let checked = async {
        let region = match session.optional_registry() {
            Some(registry) => Some(session.flow.resolve(registry).await?.1.location),
            None => None,
        };
        let options = PreflightOptions {
            region,
            ..PreflightOptions::default()
        };
        session.network.preflight(&args.subnet_id, Some(options)).await
    };
    let report = match checked.await {
        Ok(report) => report,
        Err(error) => return errors::report(&error, "--name"),
    };
    println!("{}", table(&args.subnet_id, &report));
    for row in &report.rows {
        match row.verdict {
            Verdict::ThroughFirewall { .. } | Verdict::Unknown => println!(
                "##[warning]{}:{}: {} ({})",
                row.destination,
                row.port,
                row.verdict_text(),
                row.deciding
            ),
            _ => {}
        }
    }
    if report.is_blocking() {
        return failed(&format!(
            "subnet {} blocks what an agent pool needs: {}",
            args.subnet_id,
            report.summary()
        ));
    }
    exit::SUCCEEDED
}

/// The report under a heading naming the subnet.
pub(super) fn table(subnet_id: &str, report: &PreflightReport) -> String {
    format!("outbound rules of subnet {subnet_id}:\n{report}")
}
