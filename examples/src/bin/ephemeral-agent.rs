//! `ephemeral-agent`: the container entrypoint of a run-once Azure Pipelines agent; see
//! [`examples::ephemeral_agent`] and `ephemeral-agent --help`.

fn main() -> std::process::ExitCode {
    examples::ephemeral_agent::main(std::env::args().skip(1).collect())
}
