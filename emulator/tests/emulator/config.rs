//! Configuration parsing (TOML and JSON), defaults and precise errors.

use az_emulator::{Emulator, EmulatorConfig, Error, IdentityKind, ListenerKind, RoleName};

const FULL_TOML: &str = r#"
location = "westeurope"
operation_duration_ms = 250
retry_after_secs = 2
token_lifetime_secs = 600
identity_header = "fixed-identity-header"

[ports]

[faults]
seed = 9
rate_503 = 0.1

[[faults.routes]]
method = "DELETE"
path_contains = "/resourceGroups/"
listener = "arm"
rate_429 = 0.5
retry_after_secs = 4

[[tenants]]
id = "11111111-1111-4111-8111-111111111111"

[[subscriptions]]
id = "22222222-2222-4222-8222-222222222222"
display_name = "CI"

[[resource_groups]]
name = "rg-ci"
tags = { team = "build" }

[[service_principals]]
name = "ci"
client_id = "33333333-3333-4333-8333-333333333333"
client_secret = "a-fixed-secret-a-fixed-secret-a-fixed"
[[service_principals.roles]]
role = "Contributor"
resource_group = "rg-ci"

[[managed_identities]]
kind = "user"
name = "id-ci"
client_id = "44444444-4444-4444-8444-444444444444"

[[role_assignments]]
principal_id = "44444444-4444-4444-8444-444444444444"
role = "Reader"
"#;

#[test]
fn full_toml_parses() {
    let config = EmulatorConfig::from_toml_str(FULL_TOML).expect("parses");
    assert_eq!(config.location, "westeurope");
    assert_eq!(config.operation_duration_ms, 250);
    assert_eq!(config.faults.seed, Some(9));
    assert_eq!(config.faults.routes[0].listener, Some(ListenerKind::Arm));
    assert_eq!(config.service_principals[0].roles[0].role, RoleName::Contributor);
    assert_eq!(config.managed_identities[0].kind, IdentityKind::User);
    assert_eq!(config.resource_groups[0].tags["team"], "build");
    assert_eq!(
        config.identity_token_lifetime_secs, 86_400,
        "unset fields keep defaults"
    );
}

#[test]
fn json_parses_the_same_schema() {
    let config = EmulatorConfig::from_json_str(
        r#"{ "location": "eastus2", "faults": { "rate_drop": 0.25 },
             "tenants": [ {} ], "subscriptions": [ { "display_name": "x" } ] }"#,
    )
    .expect("parses");
    assert_eq!(config.location, "eastus2");
    assert_eq!(config.faults.rate_drop, 0.25);
    assert_eq!(config.subscriptions[0].display_name.as_deref(), Some("x"));
    assert_eq!(config.resource_groups[0].name, "rg-emulator");
}

#[test]
fn unknown_fields_are_named_with_their_position() {
    let error = EmulatorConfig::from_toml_str("location = \"eastus\"\n[faults]\nrate_42 = 1\n").unwrap_err();
    let Error::ParseConfig {
        line,
        column,
        message,
        origin,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(origin, "<toml>");
    assert_eq!((*line, *column), (3, 1));
    assert!(message.contains("unknown field `rate_42`"), "{message}");
    assert!(message.contains("(in `rate_42 = 1`)"), "{message}");
    assert!(!error.to_string().contains('\n'));

    let error = EmulatorConfig::from_json_str("{\n  \"operation_duration_ms\": \"slow\"\n}").unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("<json>:2:"), "{text}");
    assert!(text.contains("invalid type: string \"slow\", expected u64"), "{text}");
    assert!(text.contains("operation_duration_ms"), "{text}");
}

#[test]
fn values_are_range_checked_with_field_paths() {
    let error = EmulatorConfig::from_toml_str("[[faults.routes]]\nrate_429 = 1.5\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid config: faults.routes[0].rate_429: 1.5 is not a probability between 0 and 1"
    );
    let error = EmulatorConfig::from_toml_str("[faults]\nrate_429 = 0.6\nrate_500 = 0.6\n").unwrap_err();
    assert!(error.to_string().starts_with("invalid config: faults: "), "{error}");
    let error = EmulatorConfig::from_toml_str("[[faults.routes]]\nlistener = \"admin\"\n").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid config: faults.routes[0].listener: faults never apply to the admin listener"
    );
    let error = EmulatorConfig::from_toml_str("token_lifetime_secs = 1").unwrap_err();
    assert!(error.to_string().contains("token_lifetime_secs"));
}

#[test]
fn files_are_read_by_extension() {
    let dir = std::env::temp_dir().join(format!("az-emulator-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let toml = dir.join("emulator.toml");
    std::fs::write(&toml, FULL_TOML).unwrap();
    assert_eq!(EmulatorConfig::from_file(&toml).unwrap().location, "westeurope");
    let json = dir.join("emulator.JSON");
    std::fs::write(&json, "{\"location\":\"uksouth\"}").unwrap();
    assert_eq!(EmulatorConfig::from_file(&json).unwrap().location, "uksouth");
    let yaml = dir.join("emulator.yaml");
    assert!(matches!(
        EmulatorConfig::from_file(&yaml),
        Err(Error::ConfigFormat { .. })
    ));
    let missing = dir.join("missing.toml");
    let error = EmulatorConfig::from_file(&missing).unwrap_err();
    assert!(matches!(error, Error::ReadConfig { .. }));
    assert!(std::error::Error::source(&error).is_some());
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "location = \n").unwrap();
    let error = EmulatorConfig::from_file(&broken).unwrap_err();
    assert!(
        error.to_string().starts_with(&format!("{}:1:", broken.display())),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn start_resolves_references_and_fixed_ids() {
    let dir = std::env::temp_dir().join(format!("az-emulator-state-test-{}", std::process::id()));
    let mut config = EmulatorConfig::from_toml_str(FULL_TOML).unwrap();
    config.state_dir = Some(dir.clone());
    let emulator = Emulator::start(config).await.expect("starts");
    let info = emulator.info().clone();
    let d = &info.defaults;
    assert_eq!(d.tenant_id, "11111111-1111-4111-8111-111111111111");
    assert_eq!(d.subscription_id, "22222222-2222-4222-8222-222222222222");
    assert_eq!(d.resource_group, "rg-ci");
    assert_eq!(d.client_id, "33333333-3333-4333-8333-333333333333");
    assert_eq!(d.client_secret, "a-fixed-secret-a-fixed-secret-a-fixed");
    assert_eq!(d.identity_client_id, "44444444-4444-4444-8444-444444444444");
    assert_eq!(
        d.identity_resource_id,
        "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-ci"
    );
    assert_eq!(d.identity_header, "fixed-identity-header");
    assert_eq!(d.location, "westeurope");
    assert_eq!(info.ca_file, dir.join("ca.pem"));
    assert_eq!(std::fs::read_to_string(&info.ca_file).unwrap(), emulator.ca_pem());
    emulator.shutdown().await;
    assert!(dir.join("ca.pem").exists(), "a configured state dir is kept");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn default_config_is_random_and_cleans_up_its_state_dir() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let info = emulator.info().clone();
    let d = &info.defaults;
    for id in [
        &d.tenant_id,
        &d.client_id,
        &d.subscription_id,
        &d.identity_client_id,
        &d.identity_principal_id,
    ] {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
    assert!(d.client_secret.len() >= 32);
    assert_eq!(d.resource_group, "rg-emulator");
    assert!(d.identity_resource_id.ends_with(
        "/resourceGroups/rg-emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-emulator"
    ));
    let dir = info.ca_file.parent().unwrap().to_owned();
    assert!(dir.file_name().unwrap().to_str().unwrap().starts_with("az-emulator-"));
    assert!(dir.starts_with(std::env::temp_dir()));
    let pem = std::fs::read_to_string(&info.ca_file).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let env = &info.env;
    assert_eq!(env["AZ_CLOUD"], "AzureEmulator");
    assert_eq!(env["AZ_ARM_ENDPOINT"], info.endpoints.arm);
    assert_eq!(env["AZURE_AUTHORITY_HOST"], info.endpoints.login);
    assert_eq!(env["AZURE_CLIENT_SECRET"], d.client_secret);
    assert_eq!(env["AZ_CA_BUNDLE"], info.ca_file.display().to_string());
    assert_eq!(info.ca_bundle_file, dir.join("ca-bundle.pem"));
    for variable in ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"] {
        assert_eq!(env[variable], info.ca_bundle_file.display().to_string(), "{variable}");
    }
    let bundle = std::fs::read_to_string(&info.ca_bundle_file).unwrap();
    assert!(bundle.ends_with(&pem), "the emulator's CA comes last");
    let system = std::fs::read_to_string("/etc/ssl/certs/ca-certificates.crt").unwrap_or_default();
    assert!(bundle.starts_with(&system), "the system's roots come first");
    assert_eq!(env["AZURE_POD_IDENTITY_AUTHORITY_HOST"], info.endpoints.imds);
    assert_eq!(env["AZP_URL"], format!("{}/emulator", info.endpoints.devops));
    assert_eq!(d.devops_url, env["AZP_URL"]);
    assert_eq!(d.devops_organization, "emulator");
    assert_eq!(d.devops_pool, "Default");
    assert_eq!(d.devops_pat.len(), 52);
    assert!(!format!("{d:?}").contains(&d.devops_pat));
    assert!(info.endpoints.devops.starts_with("https://127.0.0.1:"));
    assert_eq!(env.len(), 17);
    emulator.shutdown().await;
    assert!(!dir.exists());
}

#[tokio::test]
async fn start_reports_references_to_nothing() {
    let config = EmulatorConfig::from_toml_str(
        "[[role_assignments]]\nprincipal_id = \"00000000-0000-4000-8000-000000000001\"\nrole = \"Owner\"\n",
    )
    .unwrap();
    let error = Emulator::start(config).await.unwrap_err();
    assert!(error.is_config());
    assert_eq!(
        error.to_string(),
        "invalid config: role_assignments[0].principal_id: no service principal or managed identity has the object or client id '00000000-0000-4000-8000-000000000001'"
    );
    let config = EmulatorConfig::from_toml_str("location = \"moon\"").unwrap();
    let error = Emulator::start(config).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid config: location: 'moon' is not an Azure region"
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let config = EmulatorConfig::from_toml_str(
        r#"
identity_header = "header-secret-value"
[[service_principals]]
client_secret = "client-secret-value"
"#,
    )
    .unwrap();
    let debug = format!("{config:?}");
    assert!(
        !debug.contains("header-secret-value") && !debug.contains("client-secret-value"),
        "{debug}"
    );
    assert!(debug.contains("<redacted>"), "{debug}");
    let seed = format!("{:?}", config.service_principals[0]);
    assert!(!seed.contains("client-secret-value"), "{seed}");
}

#[tokio::test]
async fn startup_info_debug_never_shows_secrets() {
    let config = EmulatorConfig {
        identity_header: Some("header-secret-value".into()),
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await.unwrap();
    let info = emulator.info();
    let secret = info.defaults.client_secret.clone();
    for debug in [format!("{info:?}"), format!("{:?}", info.defaults)] {
        assert!(!debug.contains(&secret), "{debug}");
        assert!(!debug.contains("header-secret-value"), "{debug}");
        assert!(debug.contains(&info.defaults.client_id), "other fields are shown");
    }
    emulator.shutdown().await;
}

#[test]
fn parse_errors_never_quote_secrets() {
    let cases = [
        ("[[service_principals]]\nclient_secret = 12345678\n", "<toml>:2:"),
        ("identity_header = \"h3ader-s3cret\" trailing\n", "<toml>:1:"),
        ("{\"service_principals\":[{\"client_secret\": 12345678}]}", "<json>:1:"),
        ("{\n  \"identity_header\": 12345678\n}", "<json>:2:"),
        (
            "[[devops.organizations]]\nname = \"o\"\n[[devops.organizations.pats]]\ntoken = 12345678\n",
            "<toml>:4:",
        ),
    ];
    for (text, position) in cases {
        let error = if text.starts_with('{') {
            EmulatorConfig::from_json_str(text)
        } else {
            EmulatorConfig::from_toml_str(text)
        }
        .unwrap_err();
        for shown in [error.to_string(), format!("{error:?}")] {
            assert!(!shown.contains("12345678") && !shown.contains("s3cret"), "{shown}");
        }
        let line = error.to_string();
        assert!(line.starts_with(position), "{line}");
        assert!(line.contains("<redacted>"), "{line}");
    }
}

#[test]
fn limits_are_range_checked() {
    let error = EmulatorConfig::from_toml_str("max_connections = 0").unwrap_err();
    assert_eq!(error.to_string(), "invalid config: max_connections: must be at least 1");
    let error = EmulatorConfig::from_toml_str("operation_duration_ms = 604800001").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid config: operation_duration_ms: must be at most 7 days"
    );
    assert_eq!(EmulatorConfig::default().max_connections, 1024);
}

#[test]
fn devops_settings_are_checked_with_field_paths() {
    let cases = [
        (
            "[[devops.organizations]]\nname = \"-bad\"\n",
            "invalid config: devops.organizations[0].name: '-bad' is not an organization name (1 to 50 letters, digits and hyphens, not at either end)",
        ),
        (
            "[[devops.organizations]]\nname = \"o\"\n[[devops.organizations.pools]]\nname = \"a\"\n[[devops.organizations.pools]]\nname = \"A\"\n",
            "invalid config: devops.organizations[0].pools[1].name: 'A' is defined twice",
        ),
        (
            "[[devops.packages]]\nversion = \"4.258\"\n",
            "invalid config: devops.packages[0].version: must be major.minor.patch, e.g. 4.258.1",
        ),
        (
            "[devops]\nmessage_poll_secs = 0\n",
            "invalid config: devops.message_poll_secs: must be 1 to 3600",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(EmulatorConfig::from_toml_str(text).unwrap_err().to_string(), expected);
    }
    let json = r#"{"devops": {"organizations": [{"name": "fabrikam", "pats": [{"token": "t", "scopes": ["vso.agentpools"]}]}]}}"#;
    let config = EmulatorConfig::from_json_str(json).unwrap();
    let org = &config.devops.organizations[0];
    assert_eq!(org.pools[0].name, "Default", "pools default to Default");
    assert_eq!(org.pats[0].scopes, ["vso.agentpools"]);
    assert!(!format!("{config:?}").contains("\"t\""), "the PAT is redacted");
    assert_eq!(config.devops.message_poll_secs, 20);
}
