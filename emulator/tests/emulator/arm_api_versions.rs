//! Every api-version the real resource providers publish is accepted, for each emulated type,
//! and an unlisted one is refused with ARM's list. The lists here are copied from the
//! specifications (Azure/azure-rest-api-specs: the readme tags of each service) and, for
//! `Microsoft.Resources`, from real ARM's `InvalidApiVersionParameter` answer, independently of
//! the emulator's own.

use std::collections::BTreeSet;

use reqwest::Method;

use crate::common::Harness;

/// `Microsoft.ContainerInstance/containerGroups` (`containerInstance.json`, stable and preview).
const CONTAINER_INSTANCE: &[&str] = &[
    "2018-04-01",
    "2018-06-01",
    "2018-09-01",
    "2018-10-01",
    "2019-12-01",
    "2020-11-01",
    "2021-03-01",
    "2021-07-01",
    "2021-09-01",
    "2021-10-01",
    "2022-09-01",
    "2023-05-01",
    "2025-09-01",
    "2026-05-01",
    "2017-08-01-preview",
    "2017-10-01-preview",
    "2017-12-01-preview",
    "2018-02-01-preview",
    "2022-10-01-preview",
    "2023-02-01-preview",
    "2024-05-01-preview",
    "2024-09-01-preview",
    "2024-10-01-preview",
    "2024-11-01-preview",
    "2026-06-01-preview",
];

/// `Microsoft.ManagedIdentity/userAssignedIdentities` (`ManagedIdentity.json`, stable and
/// preview).
const MANAGED_IDENTITY: &[&str] = &[
    "2018-11-30",
    "2023-01-31",
    "2024-11-30",
    "2026-05-31",
    "2015-08-31-preview",
    "2021-09-30-preview",
    "2022-01-31-preview",
    "2023-07-31-preview",
    "2025-01-31-preview",
    "2025-05-31-preview",
];

/// The folders of `Microsoft.Resources` holding `resources.json`.
const RESOURCES_SPEC: &[&str] = &[
    "2015-11-01",
    "2016-02-01",
    "2016-07-01",
    "2016-09-01",
    "2017-05-10",
    "2018-02-01",
    "2018-05-01",
    "2019-03-01",
    "2019-05-01",
    "2019-05-10",
    "2019-07-01",
    "2019-08-01",
    "2019-10-01",
    "2020-06-01",
    "2020-08-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-09-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-03-01",
    "2025-04-01",
];

/// What real ARM lists for the `Microsoft.Resources` namespace (2025).
const RESOURCES_ARM: &[&str] = &[
    "2025-04-01",
    "2025-03-01",
    "2024-10-01-preview",
    "2024-11-01",
    "2024-08-01",
    "2024-07-01",
    "2024-06-01-preview",
    "2024-03-01",
    "2023-07-01",
    "2023-07-01-preview",
    "2023-03-01-preview",
    "2022-12-01",
    "2022-11-01-preview",
    "2022-09-01",
    "2022-06-01",
    "2022-05-01",
    "2022-03-01-preview",
    "2022-01-01",
    "2021-04-01",
    "2021-01-01",
    "2020-10-01",
    "2020-09-01",
    "2020-08-01",
    "2020-07-01",
    "2020-06-01",
    "2020-05-01",
    "2020-01-01",
    "2019-11-01",
    "2019-10-01",
    "2019-09-01",
    "2019-08-01",
    "2019-07-01",
    "2019-06-01",
    "2019-05-10",
    "2019-05-01",
    "2019-03-01",
    "2018-11-01",
    "2018-09-01",
    "2018-08-01",
    "2018-07-01",
    "2018-06-01",
    "2018-05-01",
    "2018-02-01",
    "2018-01-01",
    "2017-12-01",
    "2017-08-01",
    "2017-06-01",
    "2017-05-10",
    "2017-05-01",
    "2017-03-01",
    "2016-09-01",
    "2016-07-01",
    "2016-06-01",
    "2016-02-01",
    "2015-11-01",
    "2015-01-01",
    "2014-04-01-preview",
    "2014-04-01",
    "2014-01-01",
    "2013-03-01",
    "2014-02-26",
    "2014-04",
];

/// A version no provider publishes.
const UNLISTED: &str = "2019-02-30-preview";

/// Every version of `versions` answers `path` (with `{v}` for the version) with 200, and an
/// unlisted one with 400 `InvalidApiVersionParameter` naming exactly `versions`.
async fn check_versions(h: &Harness, token: &str, path: &str, versions: &BTreeSet<&str>) {
    for version in versions {
        let reply = h.arm(Method::GET, &path.replace("{v}", version), token, None).await;
        assert_eq!(reply.status, 200, "{path} {version}: {}", reply.text);
    }
    let reply = h.arm(Method::GET, &path.replace("{v}", UNLISTED), token, None).await;
    assert_eq!(reply.status, 400, "{path}: {}", reply.text);
    assert_eq!(reply.arm_code(), "InvalidApiVersionParameter");
    let message = reply.json["error"]["message"].as_str().unwrap();
    let listed = message
        .strip_prefix(&format!(
            "The api-version '{UNLISTED}' is invalid. The supported versions are '"
        ))
        .and_then(|rest| rest.strip_suffix("'."))
        .unwrap_or_else(|| panic!("{message}"));
    let listed: BTreeSet<&str> = listed.split(',').collect();
    assert_eq!(&listed, versions, "{path}");
}

#[tokio::test]
async fn container_groups_accept_every_published_version() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = &h.info().defaults.subscription_id;
    let versions = CONTAINER_INSTANCE.iter().copied().collect();
    for path in [
        format!("/subscriptions/{sub}/providers/Microsoft.ContainerInstance/containerGroups?api-version={{v}}"),
        format!(
            "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.ContainerInstance/containerGroups?api-version={{v}}"
        ),
    ] {
        check_versions(&h, &token, &path, &versions).await;
    }
}

#[tokio::test]
async fn user_assigned_identities_accept_every_published_version() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = &h.info().defaults.subscription_id;
    let versions = MANAGED_IDENTITY.iter().copied().collect();
    for path in [
        format!("/subscriptions/{sub}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version={{v}}"),
        format!(
            "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-emulator?api-version={{v}}"
        ),
    ] {
        check_versions(&h, &token, &path, &versions).await;
    }
}

#[tokio::test]
async fn microsoft_resources_accept_every_published_version() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = &h.info().defaults.subscription_id;
    let versions: BTreeSet<&str> = RESOURCES_SPEC.iter().chain(RESOURCES_ARM).copied().collect();
    for path in [
        "/subscriptions?api-version={v}".to_owned(),
        format!("/subscriptions/{sub}?api-version={{v}}"),
        format!("/subscriptions/{sub}/resourcegroups?api-version={{v}}"),
        format!("/subscriptions/{sub}/resourceGroups/rg-emulator?api-version={{v}}"),
        format!("/subscriptions/{sub}/resources?api-version={{v}}"),
        format!("/subscriptions/{sub}/resourceGroups/rg-emulator/resources?api-version={{v}}"),
    ] {
        check_versions(&h, &token, &path, &versions).await;
    }
}

/// `Microsoft.Authorization/roleAssignments`: the versions of `authorization-RoleAssignmentsCalls.json`
/// and those real ARM's `InvalidApiVersionParameter` listed in 2021.
const ROLE_ASSIGNMENTS: &[&str] = &[
    "2014-04-01-preview",
    "2014-07-01-preview",
    "2014-10-01-preview",
    "2015-05-01-preview",
    "2015-06-01",
    "2015-07-01",
    "2016-07-01",
    "2017-05-01",
    "2017-09-01",
    "2017-10-01-preview",
    "2018-01-01-preview",
    "2018-07-01",
    "2018-09-01-preview",
    "2018-12-01-preview",
    "2019-04-01-preview",
    "2020-03-01-preview",
    "2020-04-01-preview",
    "2020-08-01-preview",
    "2020-10-01-preview",
    "2021-04-01-preview",
    "2022-01-01-preview",
    "2022-04-01",
];

/// `Microsoft.Authorization/roleDefinitions` (`authorization-RoleDefinitionsCalls.json`).
const ROLE_DEFINITIONS: &[&str] = &["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"];

#[tokio::test]
async fn authorization_accepts_every_published_version() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = &h.info().defaults.subscription_id;
    let assignments = ROLE_ASSIGNMENTS.iter().copied().collect();
    for path in [
        format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments?api-version={{v}}"),
        format!(
            "/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.Authorization/roleAssignments?api-version={{v}}"
        ),
    ] {
        check_versions(&h, &token, &path, &assignments).await;
    }
    let definitions = ROLE_DEFINITIONS.iter().copied().collect();
    for path in [
        format!("/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions?api-version={{v}}"),
        "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7?api-version={v}"
            .to_owned(),
    ] {
        check_versions(&h, &token, &path, &definitions).await;
    }
}
