//! `image-builder`: builds a VM image with Azure VM Image Builder from a pipeline, as the Image
//! Builder DevOps task does, done right; see [`examples::image_builder`] and
//! `image-builder --help`.

fn main() -> std::process::ExitCode {
    examples::image_builder::main(std::env::args_os().collect())
}
