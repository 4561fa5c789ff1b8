//! `az-emulator-agent`: the stand-in Azure Pipelines agent that the emulator packs as
//! `bin/Agent.Listener` (see [`az_emulator::standin`]).

fn main() -> std::process::ExitCode {
    az_emulator::standin::main()
}
