//! The configuration examples of README.md parse and start.

use az_emulator::{Emulator, EmulatorConfig};

const README: &str = include_str!("../../README.md");

/// The first fenced block of `language` after the line containing `marker`.
fn block_after(marker: &str, language: &str) -> &'static str {
    let start = README.find(marker).expect("marker in README");
    let fence = format!("```{language}\n");
    let body = start + README[start..].find(&fence).expect("fenced block") + fence.len();
    let end = body + README[body..].find("```").expect("closing fence");
    &README[body..end]
}

#[tokio::test]
async fn the_full_toml_example_parses_and_starts() {
    let toml = block_after("this block is parsed by the tests", "toml");
    let config = EmulatorConfig::from_toml_str(toml).expect("README TOML parses");
    assert_eq!(config.faults.routes.len(), 1);
    let emulator = Emulator::start(config).await.expect("README config starts");
    let defaults = &emulator.info().defaults;
    assert_eq!(defaults.resource_group, "rg-ci");
    assert_eq!(defaults.devops_organization, "contoso");
    assert_eq!(defaults.devops_pool, "Default");
    assert_eq!(defaults.devops_pat, "ci-pat-ci-pat-ci-pat");
    assert_eq!(
        defaults.devops_url,
        format!("{}/contoso", emulator.info().endpoints.devops)
    );
    assert_eq!(defaults.client_id, "4f1d6e1a-7b0c-4c59-9a4e-2d0a5f3c8b11");
    assert!(
        defaults
            .identity_resource_id
            .ends_with("/resourceGroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-agent")
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_json_example_parses_and_starts() {
    let json = block_after("The same schema in JSON", "json");
    let config = EmulatorConfig::from_json_str(json).expect("README JSON parses");
    let emulator = Emulator::start(config).await.expect("README config starts");
    assert_eq!(emulator.info().defaults.resource_group, "rg-emulator");
    emulator.shutdown().await;
}
