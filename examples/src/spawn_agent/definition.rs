//! The container group of an ephemeral agent, built from the configuration (no IO).

use super::config::{Config, Registry};
use aci_lifecycle::models::{
    Container, ContainerGroup, ContainerGroupIdentity, ContainerGroupSubnetId, EnvironmentVariable,
    ImageRegistryCredential, IpAddress, RestartPolicy,
};

/// Name of the agent's container in its group.
pub const CONTAINER_NAME: &str = "agent";
/// Tag holding the agent pool, so that a group can be matched with its agent.
pub const POOL_TAG: &str = "azure-ephemeral-pool";

/// The definition: one container running the image with the agent's variables (the token and
/// `ACI_SECURE_ENVIRONMENT` as secure values, `ACI_ENVIRONMENT` as plain ones), a private IP in
/// the subnet, restart policy `Never`, and the identity the agent deletes its own group with.
pub fn container_group(config: &Config) -> ContainerGroup {
    let mut group = ContainerGroup::new(&config.location);
    group.properties.os_type = Some(config.os_type.clone());
    group.properties.restart_policy = Some(RestartPolicy::Never);
    group.properties.ip_address = Some(IpAddress::private([]));
    group.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new(&config.subnet_id)]);
    group.tags = Some([(POOL_TAG.to_owned(), config.access.pool.clone())].into());

    let mut env = vec![
        EnvironmentVariable::plain("AZP_URL", config.access.organization.as_str()),
        EnvironmentVariable::plain("AZP_POOL", &config.access.pool),
        EnvironmentVariable::plain("AZP_AGENT_NAME", &config.agent_name),
        EnvironmentVariable::secure("AZP_TOKEN", config.access.token.clone()),
    ];
    if let Some(cloud) = &config.cloud_name {
        env.push(EnvironmentVariable::plain("AZ_CLOUD", cloud));
    }
    if let Some(identity) = &config.identity {
        group.identity = Some(ContainerGroupIdentity::user_assigned([identity.clone()]));
        env.extend([
            EnvironmentVariable::plain("AZ_ACI_NAME", &config.agent_name),
            EnvironmentVariable::plain("AZ_ACI_RG", &config.resource_group),
            EnvironmentVariable::plain("AZ_SUBSCRIPTION_ID", &config.subscription_id),
            EnvironmentVariable::plain("AZ_MANAGED_IDENTITY", "true"),
            EnvironmentVariable::plain("AZ_MANAGED_IDENTITY_RESOURCE_ID", identity),
        ]);
    }
    env.extend(
        config
            .extra_env
            .iter()
            .map(|(name, value)| EnvironmentVariable::plain(name, value)),
    );
    env.extend(
        config
            .secure_env
            .iter()
            .map(|(name, value)| EnvironmentVariable::secure(name, value.clone())),
    );

    group.properties.image_registry_credentials = config.registry.as_ref().map(|registry| {
        let credential = match registry {
            Registry::Password {
                server,
                username,
                password,
            } => ImageRegistryCredential {
                server: server.clone(),
                username: Some(username.clone()),
                password: Some(password.clone()),
                password_reference: None,
                identity: None,
                identity_url: None,
            },
            Registry::Identity { server } => ImageRegistryCredential {
                server: server.clone(),
                username: None,
                password: None,
                password_reference: None,
                identity: config.identity.clone(),
                identity_url: None,
            },
        };
        vec![credential]
    });

    let mut container = Container::new(CONTAINER_NAME, &config.image, config.cpu, config.memory_gb);
    container.properties.environment_variables = Some(env);
    group.properties.containers.push(container);
    group
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const TOKEN: &str = "pat-0123456789abcdef";

    fn config(extra: &[(&str, &str)]) -> Config {
        try_config(extra).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_config(extra: &[(&str, &str)]) -> Result<Config, arm_core::ConfigError> {
        let sub = "00000000-0000-0000-0000-000000000001";
        let mut env: BTreeMap<String, String> = [
            ("AZP_URL", "https://dev.azure.com/contoso"),
            ("AZP_POOL", "aci"),
            ("AZP_TOKEN", TOKEN),
            ("BUILD_BUILDID", "42"),
            ("SYSTEM_JOBID", "6F1C2D3E-4b5a-4c7d-9e8f-0a1b2c3d4e5f"),
            ("SYSTEM_JOBATTEMPT", "2"),
            ("ACI_RESOURCE_GROUP", "rg-agents"),
            ("ACI_LOCATION", "westeurope"),
            ("ACI_IMAGE", "contoso.azurecr.io/ephemeral-agent:1"),
            ("AZ_SUBSCRIPTION_ID", sub),
            ("AZ_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            ("AZ_SERVICE_PRINCIPAL", "a0000000-0000-0000-0000-000000000001"),
            ("AZ_SERVICE_PRINCIPAL_KEY", "arm-secret"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        env.insert(
            "ACI_SUBNET_ID".to_owned(),
            format!("/subscriptions/{sub}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci"),
        );
        env.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
        Config::from_env(&env)
    }

    fn env_of(group: &serde_json::Value) -> BTreeMap<String, serde_json::Value> {
        group["properties"]["containers"][0]["properties"]["environmentVariables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["name"].as_str().unwrap().to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn a_private_run_once_group_with_the_token_as_a_secure_value() {
        let config = config(&[]);
        assert_eq!(config.agent_name, "ephemeral-42-6f1c2d3e-2");
        let group = serde_json::to_value(container_group(&config)).unwrap();
        let properties = &group["properties"];
        assert_eq!(properties["restartPolicy"], "Never");
        assert_eq!(properties["osType"], "Linux");
        assert_eq!(properties["ipAddress"]["type"], "Private");
        assert_eq!(properties["subnetIds"][0]["id"], config.subnet_id.as_str());
        let resources = &properties["containers"][0]["properties"]["resources"]["requests"];
        assert_eq!(
            (resources["cpu"].as_f64(), resources["memoryInGB"].as_f64()),
            (Some(1.0), Some(1.0))
        );
        let env = env_of(&group);
        assert_eq!(env["AZP_TOKEN"]["secureValue"], TOKEN);
        assert!(env["AZP_TOKEN"].get("value").is_none());
        assert_eq!(env["AZP_AGENT_NAME"]["value"], "ephemeral-42-6f1c2d3e-2");
        assert_eq!(env["AZP_POOL"]["value"], "aci");
        // Without an identity the container gets no Azure credential and does not self-delete;
        // the spawner's own service principal never reaches it.
        assert!(group.get("identity").is_none());
        assert!(!env.contains_key("AZ_ACI_NAME"));
        assert!(!group.to_string().contains("arm-secret"));
        assert!(!format!("{:?}", container_group(&config)).contains(TOKEN));
    }

    #[test]
    fn an_identity_deletes_the_group_and_pulls_the_image() {
        let identity = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-agents/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-agent";
        let config = config(&[
            ("ACI_IDENTITY", identity),
            ("ACI_REGISTRY_SERVER", "contoso.azurecr.io"),
            ("ACI_ENVIRONMENT", "AZP_JOB_TIMEOUT=2h\n\nAZP_LOG=debug"),
            ("ACI_CPU", "2"),
        ]);
        let group = serde_json::to_value(container_group(&config)).unwrap();
        assert_eq!(group["identity"]["type"], "UserAssigned");
        assert!(group["identity"]["userAssignedIdentities"].get(identity).is_some());
        let registry = &group["properties"]["imageRegistryCredentials"][0];
        assert_eq!(registry["server"], "contoso.azurecr.io");
        assert_eq!(registry["identity"], identity);
        assert!(registry.get("password").is_none());
        let env = env_of(&group);
        assert_eq!(env["AZ_ACI_NAME"]["value"], config.agent_name.as_str());
        assert_eq!(env["AZ_ACI_RG"]["value"], "rg-agents");
        assert_eq!(env["AZ_MANAGED_IDENTITY"]["value"], "true");
        assert_eq!(env["AZ_MANAGED_IDENTITY_RESOURCE_ID"]["value"], identity);
        assert_eq!(env["AZP_JOB_TIMEOUT"]["value"], "2h");
        assert_eq!(env["AZP_LOG"]["value"], "debug");
        assert_eq!(
            group["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"].as_f64(),
            Some(2.0)
        );
    }

    const SECRET: &str = "s3cr3t-value-42";

    #[test]
    fn secure_environment_goes_as_secure_values_and_is_never_shown() {
        let config = config(&[
            ("ACI_ENVIRONMENT", "AZP_JOB_TIMEOUT=2h"),
            (
                "ACI_SECURE_ENVIRONMENT",
                &format!("NPM_TOKEN={SECRET}\n\n  FEED_KEY=a=b  \n"),
            ),
        ]);
        let group = serde_json::to_value(container_group(&config)).unwrap();
        let env = env_of(&group);
        assert_eq!(env["NPM_TOKEN"]["secureValue"], SECRET);
        assert!(env["NPM_TOKEN"].get("value").is_none());
        assert_eq!(env["FEED_KEY"]["secureValue"], "a=b");
        assert_eq!(env["AZP_JOB_TIMEOUT"]["value"], "2h");
        assert!(env["AZP_JOB_TIMEOUT"].get("secureValue").is_none());
        assert!(!format!("{:?}", container_group(&config)).contains(SECRET));
        assert!(!format!("{:?}", config.secure_env).contains(SECRET));
        let described = config.describe();
        let shown: String = described.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        assert!(!shown.contains(SECRET), "{shown}");
        let environment = &described.iter().find(|(k, _)| *k == "environment").unwrap().1;
        assert_eq!(
            environment,
            "AZP_JOB_TIMEOUT=2h, NPM_TOKEN=*** (secure), FEED_KEY=*** (secure)"
        );
    }

    #[test]
    fn neither_environment_overrides_spawn_agents_own_or_the_other() {
        let error = |extra: &[(&str, &str)]| match try_config(extra) {
            Ok(_) => panic!("{extra:?} is accepted"),
            Err(e) => e.to_string(),
        };
        for variable in ["ACI_ENVIRONMENT", "ACI_SECURE_ENVIRONMENT"] {
            for reserved in ["AZP_TOKEN", "azp_url", "AZ_MANAGED_IDENTITY", "AZP_AGENT_NAME"] {
                let message = error(&[(variable, &format!("{reserved}=mine"))]);
                assert_eq!(
                    message,
                    format!("{variable}: sets {reserved}, which spawn-agent sets itself; remove it")
                );
            }
            let message = error(&[(variable, "A=1\nA=2")]);
            assert_eq!(message, format!("{variable}: sets A twice; set it once"));
        }
        let message = error(&[
            ("ACI_ENVIRONMENT", "SHARED=plain\nOTHER=1"),
            ("ACI_SECURE_ENVIRONMENT", &format!("SHARED={SECRET}")),
        ]);
        assert_eq!(
            message,
            "ACI_SECURE_ENVIRONMENT: sets SHARED, which ACI_ENVIRONMENT sets too; set each variable in one of them"
        );
    }

    #[test]
    fn a_bad_secure_line_is_named_by_its_number_not_its_text() {
        let message = match try_config(&[("ACI_SECURE_ENVIRONMENT", &format!("OK=1\n{SECRET}"))]) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            message,
            "ACI_SECURE_ENVIRONMENT: line 2 has no '='; expected NAME=value lines"
        );
        let message = match try_config(&[("ACI_SECURE_ENVIRONMENT", &format!("{SECRET}-x y=1"))]) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            message,
            "ACI_SECURE_ENVIRONMENT: the name on line 1 is not a variable name; expected letters, digits and '_'"
        );
        // The plain one shows what it got.
        let message = match try_config(&[("ACI_ENVIRONMENT", "JUST TEXT")]) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            message,
            "ACI_ENVIRONMENT: line 'JUST TEXT' has no '='; expected NAME=value lines"
        );
    }
}
