//! `spawn-agent`: creates a run-once agent's container group from a pipeline and waits until
//! the agent is online; see [`examples::spawn_agent`] and `spawn-agent --help`.

fn main() -> std::process::ExitCode {
    examples::spawn_agent::main(std::env::args().skip(1).collect())
}
