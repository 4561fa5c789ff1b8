//! Choosing a [`CredentialSource`] from environment variables.

use super::*;
use crate::env::EnvSource;
use crate::error::{ConfigError, Error};

struct Reader<'a> {
    env: &'a dyn EnvSource,
}

impl Reader<'_> {
    /// The value of a pair of names that mean the same thing; they must agree when both are set.
    fn pair(&self, ours: &'static str, standard: &'static str) -> Result<Option<(String, &'static str)>, Error> {
        match (self.env.var(ours), self.env.var(standard)) {
            (Some(a), Some(b)) if a.trim() != b.trim() => Err(ConfigError::new(
                ours,
                format!("disagrees with {standard}: set one of them, or the same value in both"),
            )
            .into()),
            (Some(a), _) => Ok(Some((a.trim().to_owned(), ours))),
            (None, Some(b)) => Ok(Some((b.trim().to_owned(), standard))),
            (None, None) => Ok(None),
        }
    }

    fn flag(&self, name: &'static str) -> Result<Option<bool>, Error> {
        let Some(value) = self.env.var(name) else {
            return Ok(None);
        };
        match value.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(ConfigError::new(name, format!("'{value}' is not a boolean; expected true or false")).into()),
        }
    }
}

/// A tenant by the rule of [`crate::is_tenant`]: a GUID or a domain name with a dot.
fn tenant(value: String, variable: &'static str) -> Result<String, Error> {
    if crate::env::is_tenant(&value) {
        Ok(value)
    } else {
        Err(ConfigError::new(variable, "must be a tenant id (a GUID) or a domain name").into())
    }
}

impl CredentialSource {
    /// Chooses a credential from environment variables; see the module documentation for the
    /// variables and their precedence.
    ///
    /// ```
    /// use arm_core::credentials::CredentialSource;
    /// use std::collections::HashMap;
    ///
    /// let env: HashMap<String, String> = [("AZ_MANAGED_IDENTITY", "maybe")]
    ///     .into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    /// let err = CredentialSource::from_env(&env).unwrap_err();
    /// assert_eq!(err.to_string(), "AZ_MANAGED_IDENTITY: 'maybe' is not a boolean; expected true or false");
    /// ```
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, Error> {
        if env.var(AZURE_CLIENT_CERTIFICATE_PATH).is_some() {
            return Err(ConfigError::new(
                AZURE_CLIENT_CERTIFICATE_PATH,
                "certificate credentials are not supported (they need OpenSSL); use a client secret, workload identity or a managed identity",
            )
            .into());
        }
        let r = Reader { env };
        let managed = r.flag(AZ_MANAGED_IDENTITY)?;
        let tenant_id = r.pair(AZ_TENANT_ID, AZURE_TENANT_ID)?;
        let client_id = r.pair(AZ_SERVICE_PRINCIPAL, AZURE_CLIENT_ID)?;
        let secret = r.pair(AZ_SERVICE_PRINCIPAL_KEY, AZURE_CLIENT_SECRET)?;
        let token_file = env.var(AZURE_FEDERATED_TOKEN_FILE);
        let mi_ids: Vec<(&'static str, String)> = [
            AZ_MANAGED_IDENTITY_CLIENT_ID,
            AZ_MANAGED_IDENTITY_OBJECT_ID,
            AZ_MANAGED_IDENTITY_RESOURCE_ID,
        ]
        .into_iter()
        .filter_map(|name| env.var(name).map(|v| (name, v.trim().to_owned())))
        .collect();

        if managed == Some(true) {
            if let Some((_, name)) = &secret {
                return Err(ConfigError::new(
                    *name,
                    "contradicts AZ_MANAGED_IDENTITY=true: use a managed identity or a service principal, not both",
                )
                .into());
            }
            if token_file.is_some() {
                return Err(ConfigError::new(
                    AZURE_FEDERATED_TOKEN_FILE,
                    "contradicts AZ_MANAGED_IDENTITY=true: use a managed identity or workload identity, not both",
                )
                .into());
            }
            if env.var(AZ_SERVICE_PRINCIPAL).is_some() {
                return Err(ConfigError::new(AZ_SERVICE_PRINCIPAL, "contradicts AZ_MANAGED_IDENTITY=true: name a user-assigned identity with AZ_MANAGED_IDENTITY_CLIENT_ID").into());
            }
            return Ok(Self::ManagedIdentity {
                id: managed_identity_id(mi_ids, client_id)?,
            });
        }
        if let Some((name, _)) = mi_ids.first() {
            return Err(ConfigError::new(
                *name,
                "is set but AZ_MANAGED_IDENTITY is not true; set AZ_MANAGED_IDENTITY=true to use a managed identity",
            )
            .into());
        }
        let require =
            |value: Option<(String, &'static str)>, ours: &'static str, standard: &'static str, what: &str| {
                value.ok_or_else(|| -> Error {
                    ConfigError::new(ours, format!("is missing (or {standard}): {what}")).into()
                })
            };
        match (secret, token_file) {
            (Some((_, secret_name)), Some(_)) => Err(ConfigError::new(
                AZURE_FEDERATED_TOKEN_FILE,
                format!("contradicts {secret_name}: use a client secret or a federated token file, not both"),
            )
            .into()),
            (Some((secret, _)), None) => {
                let (client_id, _) = require(
                    client_id,
                    AZ_SERVICE_PRINCIPAL,
                    AZURE_CLIENT_ID,
                    "a service principal key needs the service principal's client id",
                )?;
                let (tenant_id, name) = require(
                    tenant_id,
                    AZ_TENANT_ID,
                    AZURE_TENANT_ID,
                    "a service principal key needs the tenant id",
                )?;
                Ok(Self::ServicePrincipal {
                    tenant_id: tenant(tenant_id, name)?,
                    client_id,
                    secret: Secret::new(secret),
                })
            }
            (None, Some(file)) => {
                let (client_id, _) = require(
                    client_id,
                    AZURE_CLIENT_ID,
                    AZ_SERVICE_PRINCIPAL,
                    "workload identity needs the application's client id",
                )?;
                let (tenant_id, name) = require(
                    tenant_id,
                    AZURE_TENANT_ID,
                    AZ_TENANT_ID,
                    "workload identity needs the tenant id",
                )?;
                Ok(Self::WorkloadIdentity {
                    tenant_id: tenant(tenant_id, name)?,
                    client_id,
                    token_file: PathBuf::from(file),
                })
            }
            (None, None) => {
                if let Some((_, name)) = client_id {
                    let key = if name == AZ_SERVICE_PRINCIPAL {
                        AZ_SERVICE_PRINCIPAL_KEY
                    } else {
                        AZURE_CLIENT_SECRET
                    };
                    return Err(ConfigError::new(
                        key,
                        format!("is missing: {name} is set, so a client secret (or AZURE_FEDERATED_TOKEN_FILE, or AZ_MANAGED_IDENTITY=true) is expected"),
                    )
                    .into());
                }
                let tenant_id = tenant_id.map(|(t, name)| tenant(t, name)).transpose()?;
                Ok(Self::AzureCli { tenant_id })
            }
        }
    }
}

fn managed_identity_id(
    explicit: Vec<(&'static str, String)>,
    client_id: Option<(String, &'static str)>,
) -> Result<Option<ManagedIdentityId>, Error> {
    if explicit.len() > 1 {
        return Err(ConfigError::new(
            explicit[1].0,
            format!(
                "contradicts {}: name a user-assigned identity by one id only",
                explicit[0].0
            ),
        )
        .into());
    }
    let Some((name, value)) = explicit.into_iter().next() else {
        return Ok(client_id.map(|(v, _)| ManagedIdentityId::ClientId(v)));
    };
    if let Some((other, other_name)) = &client_id
        && (name != AZ_MANAGED_IDENTITY_CLIENT_ID || other != &value)
    {
        return Err(ConfigError::new(
            *other_name,
            format!("contradicts {name}: name a user-assigned identity by one id only"),
        )
        .into());
    }
    Ok(Some(match name {
        AZ_MANAGED_IDENTITY_CLIENT_ID => ManagedIdentityId::ClientId(value),
        AZ_MANAGED_IDENTITY_OBJECT_ID => ManagedIdentityId::ObjectId(value),
        _ => {
            let id: ResourceId = value
                .parse()
                .map_err(|e: crate::ResourceIdError| ConfigError::new(name, e.to_string()))?;
            if !id.is_type("Microsoft.ManagedIdentity/userAssignedIdentities") {
                return Err(ConfigError::new(
                    name,
                    format!("'{value}' is not a Microsoft.ManagedIdentity/userAssignedIdentities resource id"),
                )
                .into());
            }
            ManagedIdentityId::ResourceId(id)
        }
    }))
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn err(pairs: &[(&str, &str)]) -> String {
        CredentialSource::from_env(&env(pairs)).unwrap_err().to_string()
    }

    /// A tenant by the rule of `is_tenant`: a bare word such as `t` is not one.
    const TENANT: &str = "contoso.onmicrosoft.com";

    const UAI: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/agent";

    #[test]
    fn service_principal_with_either_naming() {
        for vars in [
            [
                (AZ_TENANT_ID, TENANT),
                (AZ_SERVICE_PRINCIPAL, "c"),
                (AZ_SERVICE_PRINCIPAL_KEY, "s3cret"),
            ],
            [
                (AZURE_TENANT_ID, TENANT),
                (AZURE_CLIENT_ID, "c"),
                (AZURE_CLIENT_SECRET, "s3cret"),
            ],
            [
                (AZ_TENANT_ID, TENANT),
                (AZURE_CLIENT_ID, "c"),
                (AZ_SERVICE_PRINCIPAL_KEY, "s3cret"),
            ],
        ] {
            match CredentialSource::from_env(&env(&vars)).unwrap() {
                CredentialSource::ServicePrincipal {
                    tenant_id,
                    client_id,
                    secret,
                } => {
                    assert_eq!(
                        (tenant_id.as_str(), client_id.as_str(), secret.secret()),
                        (TENANT, "c", "s3cret")
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        let both = env(&[
            (AZ_TENANT_ID, TENANT),
            (AZURE_TENANT_ID, TENANT),
            (AZ_SERVICE_PRINCIPAL, "c"),
            (AZ_SERVICE_PRINCIPAL_KEY, "k"),
        ]);
        assert!(matches!(
            CredentialSource::from_env(&both).unwrap(),
            CredentialSource::ServicePrincipal { .. }
        ));
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let source = CredentialSource::from_env(&env(&[
            (AZ_TENANT_ID, TENANT),
            (AZ_SERVICE_PRINCIPAL, "c"),
            (AZ_SERVICE_PRINCIPAL_KEY, "hunter2-very-secret"),
        ]))
        .unwrap();
        assert!(!format!("{source:?}").contains("hunter2"));
    }

    #[test]
    fn partial_service_principal_names_the_missing_variable() {
        assert_eq!(
            err(&[(AZ_SERVICE_PRINCIPAL, "c")]),
            "AZ_SERVICE_PRINCIPAL_KEY: is missing: AZ_SERVICE_PRINCIPAL is set, so a client secret (or AZURE_FEDERATED_TOKEN_FILE, or AZ_MANAGED_IDENTITY=true) is expected"
        );
        assert!(err(&[(AZURE_CLIENT_ID, "c")]).starts_with("AZURE_CLIENT_SECRET: is missing"));
        assert!(
            err(&[(AZ_SERVICE_PRINCIPAL_KEY, "k"), (AZ_TENANT_ID, TENANT)])
                .starts_with("AZ_SERVICE_PRINCIPAL: is missing (or AZURE_CLIENT_ID)")
        );
        assert!(
            err(&[(AZ_SERVICE_PRINCIPAL_KEY, "k"), (AZ_SERVICE_PRINCIPAL, "c")])
                .starts_with("AZ_TENANT_ID: is missing (or AZURE_TENANT_ID)")
        );
        assert!(
            err(&[
                (AZ_SERVICE_PRINCIPAL_KEY, "k"),
                (AZ_SERVICE_PRINCIPAL, "c"),
                (AZ_TENANT_ID, "not a tenant!")
            ])
            .starts_with("AZ_TENANT_ID: must be a tenant id")
        );
    }

    #[test]
    fn a_bare_word_is_not_a_tenant() {
        for (variable, value) in [(AZ_TENANT_ID, "contoso"), (AZURE_TENANT_ID, "common")] {
            let error = err(&[
                (variable, value),
                (AZ_SERVICE_PRINCIPAL, "c"),
                (AZ_SERVICE_PRINCIPAL_KEY, "k"),
            ]);
            assert_eq!(
                error,
                format!("{variable}: must be a tenant id (a GUID) or a domain name")
            );
            assert!(
                err(&[(variable, value)]).starts_with(variable),
                "the Azure CLI's tenant too"
            );
        }
    }

    #[test]
    fn certificates_are_refused_by_name() {
        assert!(
            err(&[
                (AZURE_CLIENT_CERTIFICATE_PATH, "/c.pem"),
                (AZURE_CLIENT_ID, "c"),
                (AZURE_TENANT_ID, TENANT)
            ])
            .starts_with("AZURE_CLIENT_CERTIFICATE_PATH: certificate credentials are not supported")
        );
    }

    #[test]
    fn disagreeing_names_are_an_error() {
        assert!(
            err(&[
                (AZ_SERVICE_PRINCIPAL, "a"),
                (AZURE_CLIENT_ID, "b"),
                (AZ_SERVICE_PRINCIPAL_KEY, "k"),
                (AZ_TENANT_ID, TENANT)
            ])
            .starts_with("AZ_SERVICE_PRINCIPAL: disagrees with AZURE_CLIENT_ID")
        );
        assert!(
            err(&[(AZ_SERVICE_PRINCIPAL_KEY, "a"), (AZURE_CLIENT_SECRET, "b")])
                .starts_with("AZ_SERVICE_PRINCIPAL_KEY: disagrees with AZURE_CLIENT_SECRET")
        );
    }

    #[test]
    fn managed_identity_system_and_user_assigned() {
        for truthy in ["true", "TRUE", "1", "yes"] {
            assert!(matches!(
                CredentialSource::from_env(&env(&[(AZ_MANAGED_IDENTITY, truthy)])).unwrap(),
                CredentialSource::ManagedIdentity { id: None }
            ));
        }
        let by = |pairs: &[(&str, &str)]| match CredentialSource::from_env(&env(pairs)).unwrap() {
            CredentialSource::ManagedIdentity { id } => id,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            by(&[(AZ_MANAGED_IDENTITY, "true"), (AZ_MANAGED_IDENTITY_CLIENT_ID, "cid")]),
            Some(ManagedIdentityId::ClientId("cid".into()))
        );
        assert_eq!(
            by(&[(AZ_MANAGED_IDENTITY, "true"), (AZURE_CLIENT_ID, "cid")]),
            Some(ManagedIdentityId::ClientId("cid".into()))
        );
        assert_eq!(
            by(&[
                (AZ_MANAGED_IDENTITY, "true"),
                (AZURE_CLIENT_ID, "cid"),
                (AZ_MANAGED_IDENTITY_CLIENT_ID, "cid")
            ]),
            Some(ManagedIdentityId::ClientId("cid".into()))
        );
        assert_eq!(
            by(&[(AZ_MANAGED_IDENTITY, "true"), (AZ_MANAGED_IDENTITY_OBJECT_ID, "oid")]),
            Some(ManagedIdentityId::ObjectId("oid".into()))
        );
        assert_eq!(
            by(&[
                (AZ_MANAGED_IDENTITY, "true"),
                (AZ_MANAGED_IDENTITY_RESOURCE_ID, UAI),
                (AZ_TENANT_ID, TENANT)
            ]),
            Some(ManagedIdentityId::ResourceId(UAI.parse().unwrap()))
        );
    }

    #[test]
    fn managed_identity_contradictions() {
        assert_eq!(
            err(&[(AZ_MANAGED_IDENTITY, "maybe")]),
            "AZ_MANAGED_IDENTITY: 'maybe' is not a boolean; expected true or false"
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY, "true"), (AZ_SERVICE_PRINCIPAL_KEY, "k")])
                .starts_with("AZ_SERVICE_PRINCIPAL_KEY: contradicts AZ_MANAGED_IDENTITY=true")
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY, "true"), (AZURE_FEDERATED_TOKEN_FILE, "/t")])
                .starts_with("AZURE_FEDERATED_TOKEN_FILE: contradicts")
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY, "true"), (AZ_SERVICE_PRINCIPAL, "c")])
                .starts_with("AZ_SERVICE_PRINCIPAL: contradicts")
        );
        assert!(
            err(&[
                (AZ_MANAGED_IDENTITY, "true"),
                (AZ_MANAGED_IDENTITY_CLIENT_ID, "a"),
                (AZ_MANAGED_IDENTITY_OBJECT_ID, "b")
            ])
            .starts_with("AZ_MANAGED_IDENTITY_OBJECT_ID: contradicts AZ_MANAGED_IDENTITY_CLIENT_ID")
        );
        assert!(
            err(&[
                (AZ_MANAGED_IDENTITY, "true"),
                (AZ_MANAGED_IDENTITY_OBJECT_ID, "b"),
                (AZURE_CLIENT_ID, "a")
            ])
            .starts_with("AZURE_CLIENT_ID: contradicts AZ_MANAGED_IDENTITY_OBJECT_ID")
        );
        assert!(
            err(&[
                (AZ_MANAGED_IDENTITY, "true"),
                (AZ_MANAGED_IDENTITY_RESOURCE_ID, "/subscriptions/s")
            ])
            .contains("is not a Microsoft.ManagedIdentity/userAssignedIdentities resource id")
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY, "true"), (AZ_MANAGED_IDENTITY_RESOURCE_ID, "nope")])
                .starts_with("AZ_MANAGED_IDENTITY_RESOURCE_ID: invalid resource id 'nope'")
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY_CLIENT_ID, "a")])
                .starts_with("AZ_MANAGED_IDENTITY_CLIENT_ID: is set but AZ_MANAGED_IDENTITY is not true")
        );
        assert!(
            err(&[(AZ_MANAGED_IDENTITY, "false"), (AZ_MANAGED_IDENTITY_CLIENT_ID, "a")])
                .starts_with("AZ_MANAGED_IDENTITY_CLIENT_ID: is set but")
        );
    }

    #[test]
    fn workload_identity_and_its_contradictions() {
        match CredentialSource::from_env(&env(&[
            (AZURE_FEDERATED_TOKEN_FILE, "/var/run/token"),
            (AZURE_CLIENT_ID, "c"),
            (AZURE_TENANT_ID, TENANT),
        ]))
        .unwrap()
        {
            CredentialSource::WorkloadIdentity {
                token_file,
                client_id,
                tenant_id,
            } => {
                assert_eq!(
                    (token_file.to_str().unwrap(), client_id.as_str(), tenant_id.as_str()),
                    ("/var/run/token", "c", TENANT)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            err(&[(AZURE_FEDERATED_TOKEN_FILE, "/t"), (AZURE_TENANT_ID, TENANT)])
                .starts_with("AZURE_CLIENT_ID: is missing")
        );
        assert!(
            err(&[(AZURE_FEDERATED_TOKEN_FILE, "/t"), (AZURE_CLIENT_ID, "c")])
                .starts_with("AZURE_TENANT_ID: is missing")
        );
        assert!(
            err(&[(AZURE_FEDERATED_TOKEN_FILE, "/t"), (AZURE_CLIENT_SECRET, "s")])
                .starts_with("AZURE_FEDERATED_TOKEN_FILE: contradicts AZURE_CLIENT_SECRET")
        );
    }

    #[test]
    fn azure_cli_only_when_nothing_else_is_configured() {
        assert!(matches!(
            CredentialSource::from_env(&env(&[])).unwrap(),
            CredentialSource::AzureCli { tenant_id: None }
        ));
        assert!(matches!(
            CredentialSource::from_env(&env(&[(AZ_MANAGED_IDENTITY, "false")])).unwrap(),
            CredentialSource::AzureCli { .. }
        ));
        match CredentialSource::from_env(&env(&[(AZ_TENANT_ID, "contoso.onmicrosoft.com")])).unwrap() {
            CredentialSource::AzureCli { tenant_id } => {
                assert_eq!(tenant_id.as_deref(), Some("contoso.onmicrosoft.com"))
            }
            other => panic!("{other:?}"),
        }
    }
}
