//! Peak resident set sizes (`VmHWM` of `/proc/<pid>/status`), of a child or of the process
//! itself.

/// The name of the field a probe prints its own peak RSS in (`peak_rss_kb=<kB>`, see
/// [`crate::probe`]).
pub const PEAK_RSS_FIELD: &str = "peak_rss_kb";

/// The peak resident set size of process `pid` so far, in kB.
pub fn vm_hwm_kb(pid: u32) -> std::io::Result<u64> {
    read_vm_hwm(&format!("/proc/{pid}/status"))
}

/// The peak resident set size of this process so far, in kB.
pub fn own_vm_hwm_kb() -> std::io::Result<u64> {
    read_vm_hwm("/proc/self/status")
}

/// Prints this process's peak RSS as a probe's `peak_rss_kb=<kB>` line.
pub fn print_own_peak_rss() -> std::io::Result<()> {
    println!("{PEAK_RSS_FIELD}={}", own_vm_hwm_kb()?);
    Ok(())
}

fn read_vm_hwm(path: &str) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(path)?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no VmHWM in {path}")))
}
