//! The `name=value` lines that probe processes (`src/bin/*_probe.rs`, `python/*.py`) print on
//! stdout for the benchmark that started them.

/// The number a probe printed as `name=<n>` in `stdout`, if any.
pub fn field(stdout: &str, name: &str) -> Option<u64> {
    stdout.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key == name { value.trim().parse().ok() } else { None }
    })
}
