//! The validation steps run on a VM of the built image.

use super::customizer::{FileDownload, PowerShellScript, ShellScript};

arm_core::tagged_union! {
    /// One validation step (`ImageTemplateInVMValidator`, discriminator `type`). The steps have
    /// the properties of the customizers of the same kind.
    pub enum ImageTemplateInVmValidator tag "type" {
        /// A shell script: `Shell`.
        Shell(ShellScript) = "Shell",
        /// A PowerShell script: `PowerShell`.
        PowerShell(PowerShellScript) = "PowerShell",
        /// A file download: `File`.
        File(FileDownload) = "File",
    }
}
