//! `reap`: deletes what ephemeral agents left behind (finished container groups, offline
//! agents); see [`examples::reap`] and `reap --help`.

fn main() -> std::process::ExitCode {
    examples::reap::main(std::env::args().skip(1).collect())
}
