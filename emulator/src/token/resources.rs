//! The Entra resources (token audiences) the emulator knows.

/// Resource ids of Azure Resource Manager in every cloud (compared case-insensitively).
const ARM_RESOURCES: &[&str] = &[
    "https://management.azure.com",
    "https://management.azure.com/",
    "https://management.core.windows.net",
    "https://management.core.windows.net/",
    "https://management.chinacloudapi.cn",
    "https://management.chinacloudapi.cn/",
    "https://management.core.chinacloudapi.cn/",
    "https://management.usgovcloudapi.net",
    "https://management.usgovcloudapi.net/",
    "https://management.core.usgovcloudapi.net/",
];

/// Resource ids (token audiences) of Azure DevOps (compared case-insensitively).
const DEVOPS_RESOURCES: &[&str] = &[
    "499b84ac-1321-427f-aa17-267ca6975798",
    "499b84ac-1321-427f-aa17-267ca6975798/.default",
    "https://app.vssps.visualstudio.com",
    "https://app.vssps.visualstudio.com/",
];

/// Other resources tokens can be issued for: Azure DevOps and Azure Storage.
const OTHER_RESOURCES: &[&str] = &[
    "499b84ac-1321-427f-aa17-267ca6975798",
    "https://app.vssps.visualstudio.com",
    "https://app.vssps.visualstudio.com/",
    "https://storage.azure.com",
    "https://storage.azure.com/",
];

/// Whether `audience` is ARM: a public ARM resource or this emulator's ARM endpoint.
pub(crate) fn is_arm(audience: &str, arm_endpoint: &str) -> bool {
    audience
        .strip_suffix('/')
        .unwrap_or(audience)
        .eq_ignore_ascii_case(arm_endpoint)
        || ARM_RESOURCES.iter().any(|known| known.eq_ignore_ascii_case(audience))
}

/// Whether `audience` is Azure DevOps.
pub(crate) fn is_devops(audience: &str) -> bool {
    DEVOPS_RESOURCES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(audience))
}

/// The Blob endpoint suffixes of the clouds (`{account}.blob.{suffix}`).
const BLOB_SUFFIXES: &[&str] = &["core.windows.net", "core.chinacloudapi.cn", "core.usgovcloudapi.net"];

/// Whether Entra would find a service principal for `resource`.
pub(crate) fn is_known(resource: &str, arm_endpoint: &str) -> bool {
    is_arm(resource, arm_endpoint)
        || OTHER_RESOURCES.iter().any(|known| known.eq_ignore_ascii_case(resource))
        || blob_account(resource).is_some()
}

/// The account of an account-specific Storage resource `https://{account}.blob.{suffix}` (with
/// or without a trailing `/`), in any cloud.
fn blob_account(resource: &str) -> Option<String> {
    let host = resource
        .strip_prefix("https://")
        .or_else(|| resource.strip_prefix("HTTPS://"))?
        .trim_end_matches('/')
        .to_ascii_lowercase();
    let (account, suffix) = host.split_once(".blob.")?;
    (!account.is_empty() && BLOB_SUFFIXES.contains(&suffix)).then(|| account.to_owned())
}

/// Whether `audience` is Azure Storage for `account`: the service-wide resource
/// `https://storage.azure.com` (with or without `/`), or the account's own Blob endpoint
/// `https://{account}.blob.{suffix}` (learn.microsoft.com "Authorize access to blobs using
/// Microsoft Entra ID": "Use the Azure Storage resource ID ... or the service endpoint").
pub(crate) fn is_storage(audience: &str, account: &str) -> bool {
    ["https://storage.azure.com", "https://storage.azure.com/"]
        .iter()
        .any(|known| known.eq_ignore_ascii_case(audience))
        || blob_account(audience).is_some_and(|a| a.eq_ignore_ascii_case(account))
}

/// The allowed ARM audiences, quoted and comma separated, for ARM's error message.
pub(crate) fn arm_audience_list(arm_endpoint: &str) -> String {
    let mut list = vec![format!("'{arm_endpoint}'"), format!("'{arm_endpoint}/'")];
    list.extend(ARM_RESOURCES.iter().map(|r| format!("'{r}'")));
    list.join(",")
}

#[cfg(test)]
mod tests {
    use super::{is_arm, is_known};

    #[test]
    fn arm_endpoint_counts_with_and_without_slash() {
        let arm = "https://127.0.0.1:8443";
        assert!(is_arm("https://127.0.0.1:8443/", arm));
        assert!(is_arm("https://127.0.0.1:8443", arm));
        assert!(is_arm("HTTPS://MANAGEMENT.AZURE.COM/", arm));
        assert!(!is_arm("https://storage.azure.com", arm));
        assert!(is_known("https://storage.azure.com", arm));
        assert!(is_known("499b84ac-1321-427f-aa17-267ca6975798", arm));
        assert!(!is_known("https://vault.azure.net", arm));
        assert!(super::is_devops("499B84AC-1321-427F-AA17-267CA6975798"));
        assert!(super::is_devops("https://app.vssps.visualstudio.com/"));
        assert!(!super::is_devops("https://management.azure.com"));
    }

    #[test]
    fn storage_audiences_are_the_service_or_the_account() {
        let arm = "https://127.0.0.1:8443";
        assert!(super::is_storage("https://storage.azure.com/", "acct"));
        assert!(super::is_storage("https://acct.blob.core.windows.net", "acct"));
        assert!(super::is_storage("https://ACCT.blob.core.chinacloudapi.cn/", "acct"));
        assert!(!super::is_storage("https://other.blob.core.windows.net", "acct"));
        assert!(!super::is_storage("https://management.azure.com", "acct"));
        assert!(is_known("https://acct.blob.core.windows.net/", arm));
        assert!(!is_known("https://acct.blob.example.com", arm));
    }
}
