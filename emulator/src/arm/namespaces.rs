//! Resource provider namespaces that exist in Azure, served here or not: ARM tells a namespace it
//! does not know apart from one a subscription has not registered.

/// Namespaces of Azure's first-party resource providers (compared case-insensitively).
const AZURE_NAMESPACES: &[&str] = &[
    "Microsoft.AAD",
    "Microsoft.AlertsManagement",
    "Microsoft.AnalysisServices",
    "Microsoft.ApiManagement",
    "Microsoft.App",
    "Microsoft.AppConfiguration",
    "Microsoft.Authorization",
    "Microsoft.Automation",
    "Microsoft.AVS",
    "Microsoft.Batch",
    "Microsoft.Cache",
    "Microsoft.Cdn",
    "Microsoft.CognitiveServices",
    "Microsoft.Compute",
    "Microsoft.ContainerInstance",
    "Microsoft.ContainerRegistry",
    "Microsoft.ContainerService",
    "Microsoft.CostManagement",
    "Microsoft.DataFactory",
    "Microsoft.DataLakeStore",
    "Microsoft.DBforMySQL",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.DevCenter",
    "Microsoft.DevOpsInfrastructure",
    "Microsoft.Devices",
    "Microsoft.DocumentDB",
    "Microsoft.EventGrid",
    "Microsoft.EventHub",
    "Microsoft.Features",
    "Microsoft.HDInsight",
    "Microsoft.Insights",
    "Microsoft.KeyVault",
    "Microsoft.Kusto",
    "Microsoft.Logic",
    "Microsoft.MachineLearningServices",
    "Microsoft.Maintenance",
    "Microsoft.ManagedIdentity",
    "Microsoft.Management",
    "Microsoft.Network",
    "Microsoft.OperationalInsights",
    "Microsoft.PolicyInsights",
    "Microsoft.Portal",
    "Microsoft.RecoveryServices",
    "Microsoft.Relay",
    "Microsoft.Resources",
    "Microsoft.Search",
    "Microsoft.Security",
    "Microsoft.ServiceBus",
    "Microsoft.SignalRService",
    "Microsoft.Sql",
    "Microsoft.Storage",
    "Microsoft.StreamAnalytics",
    "Microsoft.VirtualMachineImages",
    "Microsoft.Web",
];

/// Whether `namespace` is one of Azure's.
pub(crate) fn exists(namespace: &str) -> bool {
    AZURE_NAMESPACES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(namespace))
}
