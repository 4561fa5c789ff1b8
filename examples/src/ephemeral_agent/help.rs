//! `--help`: every variable with its default.

/// (variable, default, meaning) of every variable the entrypoint reads.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "AZP_URL",
        "(required)",
        "organization URL: https://dev.azure.com/{org}, https://{org}.visualstudio.com or a Server collection",
    ),
    ("AZP_POOL", "Default", "agent pool to register in (must exist)"),
    (
        "AZP_AGENT_NAME",
        "host name",
        "agent name (1-64 characters, none of \"/:<>\\|*?)",
    ),
    (
        "AZP_TOKEN",
        "",
        "PAT or OAuth token with Agent Pools (read, manage); never passed on to the agent or its jobs",
    ),
    ("AZP_TOKEN_FILE", "", "file holding the token, instead of AZP_TOKEN"),
    (
        "AZP_CLIENTID",
        "",
        "service principal registration (--auth sp): application (client) id",
    ),
    ("AZP_CLIENTSECRET", "", "service principal registration: client secret"),
    (
        "AZP_TENANTID",
        "",
        "service principal registration: directory (tenant) id",
    ),
    (
        "AZP_MANAGED_IDENTITY",
        "",
        "register with a managed identity's Entra token: true, or a user-assigned client id",
    ),
    ("AZP_WORK", "_work", "agent work folder (relative to the agent folder)"),
    (
        "AZP_AGENT_DIR",
        super::config::DEFAULT_AGENT_DIR,
        "agent folder: an agent installed there is used, else the latest is downloaded there",
    ),
    (
        "AZP_PLATFORM",
        "this machine's",
        "agent package platform to download, e.g. linux-x64, linux-musl-x64, linux-arm64",
    ),
    (
        "AZP_STOP_TIMEOUT",
        "25s",
        "from the first SIGTERM/SIGINT to exit, at most this long: the job's grace and the cleanup (s, m or h)",
    ),
    (
        "AZP_GRACE_PERIOD",
        "20s",
        "on SIGTERM/SIGINT: time the job gets to cancel before the agent is killed; at most AZP_STOP_TIMEOUT minus 5 s",
    ),
    (
        "AZP_JOB_TIMEOUT",
        "none",
        "overall time limit of the run, then the job is canceled (s, m or h)",
    ),
    (
        "AZP_LOG",
        "info",
        "log filter: error, warn, info, debug, trace, or per crate (azp_agent=debug)",
    ),
    (
        "AZ_ACI_NAME",
        "",
        "self-delete: the container group to delete when done",
    ),
    ("AZ_ACI_RG", "", "self-delete: its resource group"),
    ("AZ_SUBSCRIPTION_ID", "", "self-delete: its subscription"),
    (
        "AZ_CLOUD",
        "AzureCloud",
        "cloud: AzureCloud, AzureChinaCloud, AzureUSGovernment",
    ),
    (
        "AZ_MANAGED_IDENTITY",
        "false",
        "self-delete with the container group's managed identity (true)",
    ),
    ("AZ_TENANT_ID", "", "self-delete with a service principal: tenant id"),
    (
        "AZ_SERVICE_PRINCIPAL",
        "",
        "self-delete with a service principal: client id",
    ),
    (
        "AZ_SERVICE_PRINCIPAL_KEY",
        "",
        "self-delete with a service principal: client secret",
    ),
    (
        "AZ_CA_BUNDLE",
        "",
        "PEM file of extra root certificates to trust (a TLS-inspecting proxy, a local emulator)",
    ),
];

/// The text of `--help`.
pub fn text() -> String {
    crate::env_config::help_text(
        "ephemeral-agent: registers an Azure Pipelines agent, runs exactly one job, unregisters it, then deletes\n\
         its own container group when AZ_ACI_NAME, AZ_ACI_RG and AZ_SUBSCRIPTION_ID are set.",
        "ephemeral-agent [--check | --help | --version]\n\
         \x20 --check    validate the configuration, print what would be done (secrets masked), exit",
        &[VARIABLES],
        "0 job done (succeeded), 1 job or agent failed, 2 configuration error, 3 install or\n\
         registration error, 4 cleanup incomplete (the agent or the container group may be left: see the log),\n\
         124 job time limit reached, 130 stopped by SIGINT, 143 stopped by SIGTERM.",
    )
}
