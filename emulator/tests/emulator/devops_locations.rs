//! Azure DevOps discovery: the location service (`OPTIONS {org}/_apis`, `ResourceAreas`,
//! `connectionData`) lists every route with Azure DevOps's ids and templates, URLs built from
//! its templates are routed, and the official Python client (`azure-devops`) works end to end.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, Reply, imports, in_ci, python};
use crate::devops_support::{API, TempDir, basic, devops_config};

const README: &str = include_str!("../../README.md");
/// The resource area of the agent pool routes.
const DISTRIBUTED_TASK_AREA: &str = "a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd";

/// Every location Azure DevOps publishes for the routes the emulator serves:
/// (id, area, resourceName, routeTemplate, resourceVersion, minVersion, releasedVersion).
const REAL_LOCATIONS: [(&str, &str, &str, &str, u64, &str, &str); 8] = [
    (
        "e81700f7-3be2-46de-8624-2eb35882fcaa",
        "Location",
        "ResourceAreas",
        "_apis/{resource}/{areaId}",
        1,
        "3.2",
        "0.0",
    ),
    (
        "00d9565f-ed9c-4a06-9a50-00e7896ccab4",
        "Location",
        "ConnectionData",
        "_apis/{resource}",
        1,
        "1.0",
        "0.0",
    ),
    (
        "a8c47e17-4d56-4a56-92bb-de7ea7dc65be",
        "distributedtask",
        "pools",
        "_apis/{area}/{resource}/{poolId}",
        1,
        "1.0",
        "7.1",
    ),
    (
        "e298ef32-5878-4cab-993c-043836571f42",
        "distributedtask",
        "agents",
        "_apis/{area}/pools/{poolId}/{resource}/{agentId}",
        2,
        "1.0",
        "7.1",
    ),
    (
        "fc825784-c92a-4299-9221-998a02d1b54f",
        "distributedtask",
        "jobrequests",
        "_apis/{area}/pools/{poolId}/{resource}/{requestId}",
        1,
        "1.0",
        "7.1",
    ),
    (
        "134e239e-2df3-4794-a6f6-24f1f19ec8dc",
        "distributedtask",
        "sessions",
        "_apis/{area}/pools/{poolId}/{resource}/{sessionId}",
        1,
        "1.0",
        "7.1",
    ),
    (
        "c3a054f6-7a8a-49c0-944e-3a8e5d7adfd7",
        "distributedtask",
        "messages",
        "_apis/{area}/pools/{poolId}/{resource}/{messageId}",
        1,
        "1.0",
        "7.1",
    ),
    (
        "8ffcd551-079c-493a-9c02-54346299d144",
        "distributedtask",
        "packages",
        "_apis/{area}/{resource}/{packageType}/{platform}/{version}",
        2,
        "1.0",
        "7.1",
    ),
];

impl Harness {
    /// A request to `{org url}/{path}` with these headers.
    async fn org_request(&self, method: Method, path: &str, headers: &[(&str, &str)]) -> Reply {
        let url = format!("{}/{path}", self.info().defaults.devops_url);
        self.send(method, &url, headers, None).await
    }

    /// `OPTIONS {org url}/{path}` with the default PAT; 200 expected.
    async fn locations(&self, path: &str) -> Vec<Value> {
        let auth = self.pat_auth();
        let reply = self
            .org_request(
                Method::OPTIONS,
                path,
                &[("authorization", &auth), ("accept", "application/json")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let value = reply.json["value"].as_array().expect("value").clone();
        assert_eq!(reply.json["count"], value.len(), "{}", reply.text);
        value
    }
}

/// The location with this `resourceName`.
fn by_name<'a>(locations: &'a [Value], name: &str) -> &'a Value {
    locations
        .iter()
        .find(|l| l["resourceName"] == name)
        .unwrap_or_else(|| panic!("no location {name}"))
}

/// Whether a path (segments after the organization) is one a location's template makes:
/// `{area}` and `{resource}` are the location's own, each other `{parameter}` one segment, the
/// trailing parameters optional (as clients leave out those without a value).
fn fits(location: &Value, segments: &[&str]) -> bool {
    let template: Vec<&str> = location["routeTemplate"].as_str().unwrap().split('/').collect();
    let own = |t: &str| t == "{area}" || t == "{resource}";
    segments.len() <= template.len()
        && template[segments.len()..].iter().all(|t| t.starts_with('{') && !own(t))
        && template.iter().zip(segments).all(|(t, s)| match *t {
            "{area}" => s.eq_ignore_ascii_case(location["area"].as_str().unwrap()),
            "{resource}" => s.eq_ignore_ascii_case(location["resourceName"].as_str().unwrap()),
            t if t.starts_with('{') => !s.is_empty(),
            literal => s.eq_ignore_ascii_case(literal),
        })
}

/// A URL path built from a location the way the Python client builds it: `{area}` and
/// `{resource}` from the location, the given values, and parameters without a value left out.
fn build(location: &Value, values: &[(&str, &str)]) -> String {
    location["routeTemplate"]
        .as_str()
        .unwrap()
        .split('/')
        .filter_map(|segment| match segment {
            "{area}" => location["area"].as_str().map(str::to_owned),
            "{resource}" => location["resourceName"].as_str().map(str::to_owned),
            s if s.starts_with('{') => values
                .iter()
                .find(|(name, _)| s == format!("{{{name}}}"))
                .map(|(_, value)| (*value).to_owned()),
            literal => Some(literal.to_owned()),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn options_lists_every_route_with_the_ids_azure_devops_publishes() {
    let h = Harness::with(devops_config()).await;
    let locations = h.locations("_apis").await;
    assert_eq!(locations.len(), REAL_LOCATIONS.len(), "{locations:?}");
    for (id, area, name, template, resource_version, min, released) in REAL_LOCATIONS {
        let location = by_name(&locations, name);
        assert_eq!(
            location,
            &json!({
                "id": id, "area": area, "resourceName": name, "routeTemplate": template,
                "resourceVersion": resource_version, "minVersion": min, "maxVersion": "7.1",
                "releasedVersion": released,
            })
        );
    }
    assert_eq!(h.locations("_apis/").await, locations);

    let area = h.locations("_apis/DistributedTask").await;
    assert_eq!(area.len(), 6);
    assert!(area.iter().all(|l| l["area"] == "distributedtask"));
    let location = h.locations("_apis/location").await;
    let names: BTreeSet<&str> = location.iter().map(|l| l["resourceName"].as_str().unwrap()).collect();
    assert_eq!(names, BTreeSet::from(["ConnectionData", "ResourceAreas"]));
    assert!(h.locations("_apis/build").await.is_empty());
}

#[tokio::test]
async fn discovery_needs_credentials_like_every_route() {
    let h = Harness::with(devops_config()).await;
    let suppress = ("x-tfs-fedauthredirect", "Suppress");
    for (method, path) in [
        (Method::OPTIONS, "_apis"),
        (Method::GET, "_apis/ResourceAreas"),
        (Method::GET, "_apis/connectiondata"),
    ] {
        let anonymous = h.org_request(method.clone(), path, &[]).await;
        assert_eq!(anonymous.status, 203, "{method} {path}");
        assert!(anonymous.text.contains("Sign In"));
        let suppressed = h.org_request(method.clone(), path, &[suppress]).await;
        assert_eq!(suppressed.status, 401, "{method} {path}");
        assert_eq!(
            suppressed.header("www-authenticate"),
            Some("Bearer authorization_uri=https://login.microsoftonline.com/common")
        );
        let bad = basic("not-a-pat");
        let rejected = h.org_request(method.clone(), path, &[("authorization", &bad)]).await;
        assert_eq!(rejected.status, 401, "{method} {path}");
        // Any valid credential may discover, whatever its scopes.
        let no_scope = basic(&h.seed_pat(&[]).await);
        let allowed = h
            .org_request(method.clone(), path, &[("authorization", &no_scope)])
            .await;
        assert_eq!(allowed.status, 200, "{method} {path}: {}", allowed.text);
    }
    // The other routes keep answering 401 to a suppressed anonymous request too.
    let pools = h.devops(Method::GET, &format!("pools?{API}"), None, None).await;
    assert_eq!(pools.status, 203);
    let url = format!("{}/_apis/distributedtask/pools?{API}", h.info().defaults.devops_url);
    assert_eq!(h.send(Method::GET, &url, &[suppress], None).await.status, 401);
}

/// The route rows of the README's Azure DevOps section (the distributedtask routes and the
/// listener routes): method and path after `_apis/distributedtask/`.
fn documented_routes() -> Vec<(String, String)> {
    let start = README.find("\n## Azure DevOps").expect("Azure DevOps section");
    let end = start + README[start..].find("\n## The stand-in agent").expect("next section");
    README[start..end]
        .lines()
        .filter_map(|line| {
            let cell = line.strip_prefix("| `")?;
            let route = &cell[..cell.find('`')?];
            let (method, path) = route.split_once(' ')?;
            let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
            if !methods.contains(&method) || path.starts_with("_apis") {
                return None;
            }
            let path = &path[..path.find(['[', '?']).unwrap_or(path.len())];
            Some((method.to_owned(), path.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn every_documented_route_fits_exactly_one_published_template_and_is_served() {
    let h = Harness::with(devops_config()).await;
    let locations = h.locations("_apis").await;
    let routes = documented_routes();
    assert!(routes.len() >= 18, "{routes:?}");
    let auth = h.pat_auth();
    let mut used = BTreeSet::new();
    for (method, path) in &routes {
        let path = path
            .replace("{poolId}", "1")
            .replace("{agentId}", "99")
            .replace("{requestId}", "99")
            .replace("{sessionId}", "S-1")
            .replace("{messageId}", "99")
            .replace("{platform}", az_emulator::DEFAULT_AGENT_PLATFORM)
            .replace("{version}", az_emulator::DEFAULT_AGENT_VERSION);
        let mut segments = vec!["_apis", "distributedtask"];
        segments.extend(path.split('/'));
        let fitting: Vec<&Value> = locations.iter().filter(|l| fits(l, &segments)).collect();
        assert_eq!(fitting.len(), 1, "{method} {path} fits {fitting:?}");
        used.insert(fitting[0]["id"].as_str().unwrap().to_owned());

        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let separator = if path.contains('?') { '&' } else { '?' };
        let reply = h
            .devops(method.clone(), &format!("{path}{separator}{API}"), Some(&auth), None)
            .await;
        assert_ne!(reply.status, 405, "{method} {path}: {}", reply.text);
        assert_ne!(
            reply.json["typeKey"], "VssResourceNotFoundException",
            "{method} {path} is no route: {}",
            reply.text
        );
    }
    let published: BTreeSet<String> = locations
        .iter()
        .filter(|l| l["area"] == "distributedtask")
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(used, published, "a published location no documented route uses");
}

#[tokio::test]
async fn urls_built_from_the_templates_are_routed_with_the_versions_clients_negotiate() {
    let h = Harness::with(devops_config()).await;
    let locations = h.locations("_apis").await;
    let auth = h.pat_auth();
    let get = |path: String, version: &'static str| {
        let auth = auth.clone();
        let h = &h;
        async move {
            let accept = format!("application/json;api-version={version}");
            let headers = [
                ("authorization", auth.as_str()),
                ("accept", accept.as_str()),
                ("content-type", "application/json; charset=utf-8"),
                ("x-tfs-fedauthredirect", "Suppress"),
            ];
            h.org_request(Method::GET, &path, &headers).await
        }
    };

    let pools = build(by_name(&locations, "pools"), &[]);
    assert_eq!(pools, "_apis/distributedtask/pools");
    for version in [
        "7.0",
        "7.1",
        "7.1-preview",
        "7.1-preview.1",
        "7.1-preview.2",
        "6.0-preview",
    ] {
        let reply = get(format!("{pools}?poolName=Default"), version).await;
        assert_eq!(reply.status, 200, "{version}: {}", reply.text);
        assert_eq!(reply.json["value"][0]["name"], "Default");
    }
    let too_new = get(pools.clone(), "7.2-preview.1").await;
    assert_eq!(too_new.status, 400);
    assert_eq!(too_new.json["typeKey"], "VssVersionOutOfRangeException");
    let too_old = get(pools.clone(), "0.9").await;
    assert_eq!(too_old.status, 400, "{}", too_old.text);
    assert!(
        too_old.json["message"]
            .as_str()
            .unwrap()
            .contains("_apis/{area}/{resource}/{poolId}")
    );

    let pool = get(build(by_name(&locations, "pools"), &[("poolId", "1")]), "7.1-preview.1").await;
    assert_eq!(pool.json["name"], "Default", "{}", pool.text);
    let agents = get(build(by_name(&locations, "agents"), &[("poolId", "1")]), "7.0").await;
    assert_eq!(agents.json, json!({ "count": 0, "value": [] }));
    let requests = build(by_name(&locations, "jobrequests"), &[("poolId", "1")]);
    assert_eq!(get(requests, "7.1").await.status, 200);

    let platform = az_emulator::DEFAULT_AGENT_PLATFORM;
    let packages = by_name(&locations, "packages");
    let listed = get(
        format!(
            "{}?$top=1",
            build(packages, &[("packageType", "agent"), ("platform", platform)])
        ),
        "7.1-preview.2",
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["count"], 1);
    let by_query = get(
        format!("_apis/distributedtask/packages/agent?platform={platform}&$top=1"),
        "7.1",
    )
    .await;
    assert_eq!(listed.json, by_query.json);
    let version = az_emulator::DEFAULT_AGENT_VERSION;
    let one = get(
        build(
            packages,
            &[("packageType", "agent"), ("platform", platform), ("version", version)],
        ),
        "7.1",
    )
    .await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json, listed.json["value"][0]);
    let missing = get(format!("_apis/distributedtask/packages/agent/{platform}/1.2.3"), "7.1").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["typeKey"], "PackageNotFoundException");
    let other = get("_apis/distributedtask/packages/agent/osx-arm64".to_owned(), "7.1").await;
    assert_eq!(other.json, json!({ "count": 0, "value": [] }));
}

#[tokio::test]
async fn resource_areas_point_clients_at_the_organization() {
    let h = Harness::with(devops_config()).await;
    let auth = h.pat_auth();
    let with_auth = [("authorization", auth.as_str())];
    let org_url = format!("{}/", h.info().defaults.devops_url);
    for path in ["_apis/ResourceAreas", "_apis/resourceareas", "_apis/RESOURCEAREAS/"] {
        let reply = h.org_request(Method::GET, path, &with_auth).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert_eq!(
            reply.json,
            json!({ "count": 1, "value": [
                { "id": DISTRIBUTED_TASK_AREA, "name": "distributedtask", "locationUrl": org_url },
            ]})
        );
    }
    let upper = format!("_apis/ResourceAreas/{}", DISTRIBUTED_TASK_AREA.to_uppercase());
    let one = h.org_request(Method::GET, &upper, &with_auth).await;
    assert_eq!(
        one.json,
        json!({ "id": DISTRIBUTED_TASK_AREA, "name": "distributedtask", "locationUrl": org_url })
    );
    let unknown = h
        .org_request(
            Method::GET,
            "_apis/ResourceAreas/79134c72-4a58-4b42-976c-04e7115f32bf",
            &with_auth,
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json["typeKey"], "VssResourceNotFoundException");

    let versioned = |v: &str| format!("_apis/ResourceAreas?api-version={v}");
    for (version, status) in [("7.1-preview.1", 200), ("3.2-preview", 200), ("3.0", 400), ("7.2", 400)] {
        let reply = h.org_request(Method::GET, &versioned(version), &with_auth).await;
        assert_eq!(reply.status, status, "{version}: {}", reply.text);
    }
    let post = h.org_request(Method::POST, "_apis/ResourceAreas", &with_auth).await;
    assert_eq!(post.status, 405);
    let elsewhere = h.org_request(Method::GET, "_apis/projects", &with_auth).await;
    assert_eq!(elsewhere.status, 404);
    let org = h
        .send(
            Method::OPTIONS,
            &format!("{}/nope/_apis", h.info().endpoints.devops),
            &with_auth,
            None,
        )
        .await;
    assert_eq!(org.status, 404);
    assert_eq!(org.json["typeKey"], "OrganizationNotFoundException");
}

/// Registers an agent with a key in pool 1; its stand-in credential.
async fn agent_credential(h: &Harness, name: &str) -> (i64, String) {
    let key = [9u8; 32];
    let body = json!({
        "name": name,
        "version": "4.258.1",
        "authorization": { "publicKey": { "exponent": "AQAB", "modulus": STANDARD.encode(key) } },
    });
    let reply = h
        .devops(
            Method::POST,
            &format!("pools/1/agents?{API}"),
            Some(&h.pat_auth()),
            Some(body),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = reply.json["id"].as_i64().unwrap();
    (id, format!("Bearer agent.{id}.{}", URL_SAFE_NO_PAD.encode(key)))
}

#[tokio::test]
async fn connection_data_names_the_caller_and_where_the_services_are() {
    let h = Harness::with(devops_config()).await;
    let org_url = format!("{}/", h.info().defaults.devops_url);
    let seeded = basic(&h.seed_pat(&["vso.agentpools"]).await);
    let plain = h
        .org_request(Method::GET, "_apis/ConnectionData", &[("authorization", &seeded)])
        .await;
    assert_eq!(plain.status, 200, "{}", plain.text);
    let data = &plain.json;
    let user = &data["authenticatedUser"];
    assert_eq!(user["providerDisplayName"], "seeded");
    assert_eq!(
        user["descriptor"],
        format!(
            "Microsoft.IdentityModel.Claims.ClaimsIdentity;{}\\seeded",
            h.info().defaults.devops_organization
        )
    );
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());
    assert_eq!(data["authorizedUser"], *user);
    assert_eq!(data["deploymentType"], "hosted");
    assert!(uuid::Uuid::parse_str(data["instanceId"].as_str().unwrap()).is_ok());
    assert!(uuid::Uuid::parse_str(data["deploymentId"].as_str().unwrap()).is_ok());
    let service = &data["locationServiceData"];
    assert_eq!(service["serviceOwner"], "00025394-6065-48ca-87d9-7f5672854ef7");
    assert_eq!(service["defaultAccessMappingMoniker"], "PublicAccessMapping");
    assert_eq!(service["accessMappings"][0]["moniker"], "PublicAccessMapping");
    assert_eq!(service["accessMappings"][0]["accessPoint"], org_url);
    assert!(service["lastChangeId"].is_i64());
    assert!(service.get("serviceDefinitions").is_none(), "{service}");

    // As the agent asks (`VssConnection.ConnectAsync`): lowercase path, numeric options, no
    // api-version, its own credential.
    let (agent_id, credential) = agent_credential(&h, "discovering").await;
    let agent = h
        .org_request(
            Method::GET,
            "_apis/connectiondata?connectOptions=1&lastChangeId=-1&lastChangeId64=-1",
            &[("authorization", &credential), ("accept", "application/json")],
        )
        .await;
    assert_eq!(agent.status, 200, "{}", agent.text);
    assert_eq!(agent.json["instanceId"], data["instanceId"]);
    assert_eq!(
        agent.json["authenticatedUser"]["providerDisplayName"],
        "Agent Pool Service (1)"
    );
    assert_eq!(
        agent.json["authenticatedUser"]["properties"]["Account"]["$value"],
        format!("agent-{agent_id}")
    );
    let definitions = agent.json["locationServiceData"]["serviceDefinitions"]
        .as_array()
        .expect("serviceDefinitions");
    let resource_locations: BTreeSet<&str> = definitions
        .iter()
        .filter(|d| d["description"] == "Resource Location")
        .map(|d| d["identifier"].as_str().unwrap())
        .collect();
    let published: BTreeSet<&str> = REAL_LOCATIONS.iter().map(|l| l.0).collect();
    assert_eq!(resource_locations, published);
    let messages = definitions
        .iter()
        .find(|d| d["displayName"] == "messages")
        .expect("messages");
    assert_eq!(messages["serviceType"], "distributedtask");
    assert_eq!(
        messages["relativePath"],
        "_apis/{area}/pools/{poolId}/{resource}/{messageId}"
    );
    assert_eq!(messages["resourceVersion"], 1);
    assert_eq!(messages["releasedVersion"], "7.1");
    let area = definitions
        .iter()
        .find(|d| d["identifier"] == DISTRIBUTED_TASK_AREA)
        .expect("resource area definition");
    assert_eq!(area["serviceType"], "LocationService2");
    assert_eq!(area["locationMappings"][0]["location"], org_url);
    let itself = definitions
        .iter()
        .find(|d| d["identifier"] == data["instanceId"])
        .expect("location service definition");
    assert_eq!(itself["serviceType"], "LocationService2");

    // An Entra token is its service principal.
    let entra = h.token_for_scope("499b84ac-1321-427f-aa17-267ca6975798/.default").await;
    let bearer = format!("Bearer {entra}");
    let by_token = h
        .org_request(
            Method::GET,
            "_apis/ConnectionData?connectOptions=includeServices",
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(by_token.status, 200, "{}", by_token.text);
    let principal = &by_token.json["authenticatedUser"];
    let descriptor = principal["descriptor"].as_str().unwrap();
    let tenant = &h.info().defaults.tenant_id;
    assert_eq!(
        descriptor,
        format!(
            "Microsoft.VisualStudio.Services.Claims.AadServicePrincipal;{tenant}\\{}",
            principal["id"].as_str().unwrap()
        )
    );
    assert_eq!(principal["providerDisplayName"], h.info().defaults.client_id);
    assert!(by_token.json["locationServiceData"]["serviceDefinitions"].is_array());
}

#[tokio::test]
async fn the_official_python_client_lists_pools_and_agents() {
    let python = python();
    if !imports(&python, "azure.devops").await {
        assert!(
            !in_ci(),
            "CI is set but {python} has no azure-devops package (pip install azure-devops==7.1.0b4)"
        );
        eprintln!(
            "skipped the_official_python_client_lists_pools_and_agents: {python} has no azure-devops package (pip install azure-devops==7.1.0b4, or set AZ_EMULATOR_PYTHON)"
        );
        return;
    }
    let h = Harness::with(devops_config()).await;
    let (agent_id, _) = agent_credential(&h, "python-visible").await;
    let before = h.journal().await.len();
    let cache = TempDir::new("azure-devops-cache");
    let defaults = h.info().defaults.clone();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/devops_client.py");
    let mut command = tokio::process::Command::new(&python);
    command
        .arg(&script)
        .args([
            defaults.devops_url.as_str(),
            defaults.devops_pool.as_str(),
            "python-visible",
        ])
        .env("AZ_EMULATOR_PAT", &defaults.devops_pat)
        .env("REQUESTS_CA_BUNDLE", &h.info().ca_file)
        .env("AZURE_DEVOPS_CACHE_DIR", cache.path())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for proxy in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(proxy);
    }
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("the Python client ends within 120 s")
        .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}\n{stdout}\n{stderr}", output.status);
    let found: Value = serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("one JSON line");
    assert_eq!(found["pool"], json!({ "id": 1, "name": defaults.devops_pool }));
    assert_eq!(found["agents"], json!(["python-visible"]));
    assert_eq!(
        found["named"],
        json!([{ "id": agent_id, "name": "python-visible", "status": "offline" }])
    );
    let published: Vec<&str> = {
        let mut ids: Vec<&str> = REAL_LOCATIONS.iter().map(|l| l.0).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(found["resourceLocations"], json!(published));

    let requests: Vec<String> = h.journal().await[before..]
        .iter()
        .filter(|e| e["listener"] == "devops")
        .map(|e| {
            assert_eq!(e["status"], 200, "{e}");
            assert_eq!(e["principal"], format!("pat:{}", found["user"].as_str().unwrap()));
            let path = e["path"].as_str().unwrap();
            let path = path
                .strip_prefix(&format!("/{}", defaults.devops_organization))
                .unwrap();
            match e["query"].as_str().filter(|q| !q.is_empty()) {
                Some(query) => format!("{} {path}?{query}", e["method"].as_str().unwrap()),
                None => format!("{} {path}", e["method"].as_str().unwrap()),
            }
        })
        .collect();
    assert_eq!(
        requests,
        [
            "OPTIONS /_apis",
            "GET /_apis/ResourceAreas",
            "GET /_apis/distributedtask/pools?poolName=Default",
            "GET /_apis/distributedtask/pools/1/agents",
            "GET /_apis/distributedtask/pools/1",
            "GET /_apis/distributedtask/pools/1/agents?agentName=python-visible&includeAssignedRequest=true",
            "GET /_apis/ConnectionData?connectOptions=includeServices",
        ],
        "{requests:#?}"
    );
}
