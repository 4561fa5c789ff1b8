//! `--help`: every variable with its default.

/// (variable, default, meaning) of every variable spawn-agent reads.
const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "AZP_URL",
        "(required)",
        "organization URL, e.g. https://dev.azure.com/contoso",
    ),
    ("AZP_POOL", "Default", "agent pool the agent registers in"),
    (
        "AZP_TOKEN",
        "(required)",
        "PAT with Agent Pools (read & manage), or $(System.AccessToken): given to the container as a secure value",
    ),
    ("AZP_TOKEN_FILE", "", "file holding the token, instead of AZP_TOKEN"),
    (
        "AZP_AGENT_PREFIX",
        "ephemeral-",
        "how ephemeral agent names begin (reap looks for it)",
    ),
    (
        "AZP_AGENT_NAME",
        "prefix + run ids",
        "agent and container group name; default {prefix}{BUILD_BUILDID}-{SYSTEM_JOBID:8}-{SYSTEM_JOBATTEMPT}",
    ),
    (
        "BUILD_BUILDID",
        "(set by Azure Pipelines)",
        "the run's id, for the default name",
    ),
    (
        "SYSTEM_JOBID",
        "(set by Azure Pipelines)",
        "the job's id, for the default name",
    ),
    ("SYSTEM_JOBATTEMPT", "1", "the job's attempt, for the default name"),
    (
        "ACI_RESOURCE_GROUP",
        "(required)",
        "resource group of the container group",
    ),
    ("ACI_LOCATION", "(required)", "region, the subnet's"),
    (
        "ACI_SUBNET_ID",
        "(required)",
        "subnet resource id (delegated to Microsoft.ContainerInstance/containerGroups); the group gets a private IP",
    ),
    (
        "ACI_IMAGE",
        "(required)",
        "agent image whose entrypoint is ephemeral-agent",
    ),
    ("ACI_CPU", "1", "CPU cores"),
    ("ACI_MEMORY_GB", "1", "memory in GB"),
    ("ACI_OS_TYPE", "Linux", "Linux or Windows"),
    (
        "ACI_REGISTRY_SERVER",
        "",
        "private registry login server, e.g. contoso.azurecr.io",
    ),
    (
        "ACI_REGISTRY_USERNAME",
        "",
        "registry user (else the group's identity pulls)",
    ),
    (
        "ACI_REGISTRY_PASSWORD",
        "",
        "registry password (a secure value, never logged)",
    ),
    (
        "ACI_IDENTITY",
        "",
        "user-assigned identity resource id: the group gets it and the agent deletes its own group with it",
    ),
    (
        "ACI_ENVIRONMENT",
        "",
        "more plain variables for the agent, NAME=value lines (visible in the group); not the ones spawn-agent sets",
    ),
    (
        "ACI_SECURE_ENVIRONMENT",
        "",
        "more secret variables for the agent, NAME=value lines: given as secure values, never printed (--check masks them)",
    ),
    (
        "SPAWN_TIMEOUT",
        "240s",
        "time for the group to start and the agent to come online (s, m or h)",
    ),
    (
        "SPAWN_OUTPUT_VARIABLE",
        "agentName",
        "output variable set to the agent name",
    ),
    ("AZP_LOG", "info", "log filter"),
];

/// The text of `--help`.
pub fn text() -> String {
    crate::env_config::help_text(
        "spawn-agent: creates a run-once agent's container group (private IP in a subnet, restart policy Never),\n\
         waits until the agent is online in the pool, then prints\n\
         ##vso[task.setvariable variable=agentName;isOutput=true]<name>. On failure, timeout, SIGTERM or SIGINT it\n\
         deletes the group and the agent.",
        "spawn-agent [--check | --help | --version]\n\
         \x20 --check    validate the configuration, print what would be done (secrets masked), exit",
        &[VARIABLES, crate::env_config::AZURE_LOGIN_VARIABLES],
        "0 agent online, 1 the agent did not come online (group and agent deleted), 2 configuration\n\
         error (nothing created), 4 cleanup incomplete (the log names what may be left), 130 SIGINT, 143 SIGTERM\n\
         (both after cleanup).",
    )
}
