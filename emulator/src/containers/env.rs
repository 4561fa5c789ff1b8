//! The environment of a container process: a few variables of the emulator's own (`PATH`,
//! `HOME`, `TMPDIR`), the platform variables the emulator offers every container, then the
//! container's own variables (plain and secure), which win over the rest.

use crate::model::container_groups::Launch;

/// Variables passed through from the emulator's own environment.
const INHERITED: &[&str] = &["PATH", "HOME", "TMPDIR"];

/// The platform variables of every container process, fixed at start.
#[derive(Clone, Debug)]
pub(crate) struct Platform {
    /// `AZ_CLOUD`, `AZ_ARM_ENDPOINT`, `AZ_AUTHORITY_HOST`, `AZURE_AUTHORITY_HOST`,
    /// `AZ_CA_BUNDLE`, `SSL_CERT_FILE`.
    pub fixed: Vec<(String, String)>,
    /// The IMDS base URL, given as `AZURE_POD_IDENTITY_AUTHORITY_HOST` to groups with an
    /// identity.
    pub imds: String,
}

/// The variables every process gets: the inherited ones, then the platform's.
pub(crate) fn base(platform: &Platform) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = INHERITED
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|value| ((*name).to_owned(), value)))
        .collect();
    env.extend(platform.fixed.iter().cloned());
    env
}

/// The whole environment of `launch`'s process; `tenant_id` is the subscription's tenant.
pub(crate) fn environment(platform: &Platform, launch: &Launch, tenant_id: Option<&str>) -> Vec<(String, String)> {
    let mut env = base(platform);
    let mut add = |name: &str, value: &str| env.push((name.to_owned(), value.to_owned()));
    add("AZ_SUBSCRIPTION_ID", &launch.subscription_id);
    add("AZ_ACI_NAME", &launch.group_name);
    add("AZ_ACI_RG", &launch.resource_group);
    if let Some(tenant) = tenant_id {
        add("AZ_TENANT_ID", tenant);
        add("AZURE_TENANT_ID", tenant);
    }
    if launch.has_identity {
        add("AZURE_POD_IDENTITY_AUTHORITY_HOST", &platform.imds);
    }
    for var in &launch.container.env {
        add(&var.name, var.effective());
    }
    env
}

#[cfg(test)]
mod tests {
    use super::{Platform, environment};
    use crate::model::container_groups::{ContainerSpec, EnvVar, Launch, SecureValue};

    #[test]
    fn container_variables_come_last_and_identity_opens_imds() {
        let platform = Platform {
            fixed: vec![("AZ_CLOUD".into(), "AzureEmulator".into())],
            imds: "http://127.0.0.1:1".into(),
        };
        let mut launch = Launch {
            run_id: 1,
            subscription_id: "s".into(),
            resource_group: "rg".into(),
            group_name: "g".into(),
            has_identity: false,
            container: ContainerSpec {
                name: "c".into(),
                image: "i".into(),
                command: Vec::new(),
                env: vec![
                    EnvVar {
                        name: "AZ_CLOUD".into(),
                        value: Some("Mine".into()),
                        secure_value: None,
                    },
                    EnvVar {
                        name: "TOKEN".into(),
                        value: None,
                        secure_value: Some(SecureValue("s3cret".into())),
                    },
                ],
            },
        };
        let env = environment(&platform, &launch, Some("t"));
        let last = |name: &str| env.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(last("AZ_CLOUD"), Some("Mine"));
        assert_eq!(last("TOKEN"), Some("s3cret"));
        assert_eq!(last("AZ_ACI_NAME"), Some("g"));
        assert_eq!(last("AZURE_TENANT_ID"), Some("t"));
        assert_eq!(last("AZURE_POD_IDENTITY_AUTHORITY_HOST"), None);
        launch.has_identity = true;
        let env = environment(&platform, &launch, None);
        assert!(
            env.iter()
                .any(|(n, v)| n == "AZURE_POD_IDENTITY_AUTHORITY_HOST" && v == "http://127.0.0.1:1")
        );
    }
}
