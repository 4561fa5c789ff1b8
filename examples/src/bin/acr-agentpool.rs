//! `acr-agentpool`: ACR task agent pools, builds and runs on them, with the checks Azure leaves
//! to you; see [`examples::acr_agentpool`] and `acr-agentpool --help`.

fn main() -> std::process::ExitCode {
    examples::acr_agentpool::main(std::env::args_os().collect())
}
