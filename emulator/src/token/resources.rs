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

/// Whether Entra would find a service principal for `resource`.
pub(crate) fn is_known(resource: &str, arm_endpoint: &str) -> bool {
    is_arm(resource, arm_endpoint) || OTHER_RESOURCES.iter().any(|known| known.eq_ignore_ascii_case(resource))
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
}
