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

/// The definition: one container running the image with the agent's variables (the token as a
/// secure value), a private IP in the subnet, restart policy `Never`, and the identity the
/// agent deletes its own group with.
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
