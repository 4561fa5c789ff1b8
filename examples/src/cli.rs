//! The command line the binaries share: configuration is by environment variables, so the only
//! arguments are `--check`, `--help`, `--version` and a binary's own flags.

use std::process::ExitCode;

/// Exit code of a configuration error (bad arguments included).
pub(crate) const CONFIG_ERROR: u8 = 2;

/// What the command line asks for.
pub(crate) enum Invocation {
    /// Do the work, with these of the binary's own flags.
    Run(Vec<&'static str>),
    /// Validate the configuration and print the plan.
    Check,
    /// Nothing more to do (help or version printed, or bad arguments reported).
    Exit(ExitCode),
}

/// Reads `args` (without the program name) of `program`, whose own flags are `flags`.
pub(crate) fn parse(program: &str, args: &[String], flags: &[&'static str], help: fn() -> String) -> Invocation {
    let mut chosen = Vec::new();
    let mut check = false;
    for arg in args {
        match arg.as_str() {
            "--help" | "-h" => {
                print!("{}", help());
                return Invocation::Exit(ExitCode::SUCCESS);
            }
            "--version" | "-V" => {
                println!("{program} {}", env!("CARGO_PKG_VERSION"));
                return Invocation::Exit(ExitCode::SUCCESS);
            }
            "--check" => check = true,
            other => match flags.iter().find(|f| **f == other) {
                Some(flag) => chosen.push(*flag),
                None => {
                    let mut expected: Vec<&str> = vec!["--check", "--help", "--version"];
                    expected.extend(flags);
                    eprintln!(
                        "{program}: unexpected argument '{other}'; expected {} (configuration is by environment variables)",
                        expected.join(", ")
                    );
                    return Invocation::Exit(ExitCode::from(CONFIG_ERROR));
                }
            },
        }
    }
    if check {
        Invocation::Check
    } else {
        Invocation::Run(chosen)
    }
}

/// A binary's checked configuration.
pub(crate) trait Configured {
    /// What `--check` prints: one setting per line, secrets masked.
    fn plan(&self) -> Vec<(&'static str, String)>;
    /// The log filter to run with (`AZP_LOG`).
    fn log_filter(&self) -> &str;
}

/// What every binary does once its arguments are read: a configuration error is one line and
/// exit code 2; `--check` prints the plan; else logging starts and `work` runs on a
/// current-thread runtime.
pub(crate) fn launch<C: Configured, F: std::future::Future<Output = ExitCode>>(
    program: &str,
    check: bool,
    loaded: Result<C, arm_core::ConfigError>,
    work: impl FnOnce(C) -> F,
) -> ExitCode {
    let config = match loaded {
        Ok(config) => config,
        Err(error) => {
            eprintln!("##[error]{program}: {error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    if check {
        println!("{program}: configuration is valid; it would:");
        for (what, value) in config.plan() {
            println!("  {what:<16}{value}");
        }
        return ExitCode::SUCCESS;
    }
    if let Err(error) = crate::logging::init(config.log_filter()) {
        eprintln!("##[error]{program}: AZP_LOG: {error}");
        return ExitCode::from(CONFIG_ERROR);
    }
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(work(config)),
        Err(error) => {
            eprintln!("##[error]{program}: cannot start: {error}");
            ExitCode::FAILURE
        }
    }
}
