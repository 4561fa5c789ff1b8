//! The location service of an organization, as official clients discover routes with it:
//! `OPTIONS {org}/_apis[/{area}]` (the `ApiResourceLocation`s), `GET {org}/_apis/ResourceAreas`
//! (`[/{areaId}]`) and `GET {org}/_apis/connectionData` (who is calling, where the services are).

use hyper::StatusCode;
use ring::digest;
use serde_json::{Value, json};

use super::Call;
use super::auth::Caller;
use super::body::query;
use super::locations::{self, Location};
use crate::http::Reply;
use crate::pools::error::{AdoError, Assembly};
use crate::pools::wire;

/// `ServiceInstanceTypes.TFS`: the service owner of Azure DevOps organizations.
const SERVICE_OWNER: &str = "00025394-6065-48ca-87d9-7f5672854ef7";
/// The access mapping every URL is published under.
const PUBLIC_ACCESS_MAPPING: &str = "PublicAccessMapping";
/// `ConnectOptions.IncludeServices`.
const INCLUDE_SERVICES: u32 = 1;
/// The location service's change id: the emulator's locations never change while it runs.
const LAST_CHANGE_ID: i64 = 1;
/// The namespace of the emulator's name-based uuids (instance and identity ids).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x4f3c_2a1e_5b6d_4e7f_8a9b_0c1d_2e3f_4a5b);

/// A request to the location service (the segments after `{org}/_apis`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Discovery {
    /// `OPTIONS _apis` (every location) or `OPTIONS _apis/{area}` (the area's).
    Locations(Option<String>),
    ResourceAreas,
    ResourceArea(String),
    ConnectionData,
}

impl Discovery {
    /// The location service request of `method` on these segments; `None` when it is none.
    pub fn parse(method: &str, rest: &[String]) -> Option<Discovery> {
        let is = |segment: &String, name: &str| segment.eq_ignore_ascii_case(name);
        if method == "OPTIONS" {
            return match rest {
                [] => Some(Discovery::Locations(None)),
                [area] => Some(Discovery::Locations(Some(area.clone()))),
                _ => None,
            };
        }
        match rest {
            [resource] if is(resource, "ResourceAreas") => Some(Discovery::ResourceAreas),
            [resource, id] if is(resource, "ResourceAreas") => Some(Discovery::ResourceArea(id.clone())),
            [resource] if is(resource, "ConnectionData") => Some(Discovery::ConnectionData),
            _ => None,
        }
    }

    /// Whether `method` is served: `OPTIONS` for locations, `GET` for the rest.
    pub fn serves(&self, method: &str) -> bool {
        match self {
            Discovery::Locations(_) => method == "OPTIONS",
            _ => method == "GET",
        }
    }

    /// Its location, whose versions a given api-version must fit; none for `OPTIONS` (clients
    /// send no api-version there, and one that is sent is ignored).
    pub fn location(&self) -> Option<Location> {
        match self {
            Discovery::Locations(_) => None,
            Discovery::ResourceAreas | Discovery::ResourceArea(_) => Some(locations::RESOURCE_AREAS),
            Discovery::ConnectionData => Some(locations::CONNECTION_DATA),
        }
    }

    /// Answers it.
    pub fn answer(&self, call: &Call<'_>) -> Result<Reply, AdoError> {
        match self {
            Discovery::Locations(area) => Ok(resource_locations(area.as_deref())),
            Discovery::ResourceAreas => Ok(resource_areas(call)),
            Discovery::ResourceArea(id) => resource_area(call, id),
            Discovery::ConnectionData => Ok(connection_data(call)),
        }
    }
}

/// An `ApiResourceLocation` (versions as `major.minor` strings, as Azure DevOps writes them).
fn api_resource_location(location: &Location) -> Value {
    json!({
        "id": location.id,
        "area": location.area,
        "resourceName": location.resource_name,
        "routeTemplate": location.route_template,
        "resourceVersion": location.resource_version,
        "minVersion": location.min_version,
        "maxVersion": location.max_version(),
        "releasedVersion": location.released_version,
    })
}

/// The locations of `area` (case-insensitive; every location without one). An area with no
/// route here has an empty list.
fn resource_locations(area: Option<&str>) -> Reply {
    let values = locations::ALL
        .iter()
        .filter(|l| area.is_none_or(|a| a.eq_ignore_ascii_case(l.area)))
        .map(api_resource_location)
        .collect();
    Reply::json(StatusCode::OK, &wire::list(values))
}

/// The organization's URL with a trailing `/`, as Azure DevOps writes `locationUrl`s.
fn location_url(call: &Call<'_>) -> String {
    format!("{}/", call.org_url)
}

/// A `ResourceAreaInfo`.
fn resource_area_info(call: &Call<'_>, id: &str, name: &str) -> Value {
    json!({ "id": id, "name": name, "locationUrl": location_url(call) })
}

/// Every resource area served. The list is never without distributedtask: a client that does
/// not find its area in a non-empty list asks `app.vssps.visualstudio.com` instead.
fn resource_areas(call: &Call<'_>) -> Reply {
    let values = locations::RESOURCE_AREA_LIST
        .iter()
        .map(|(id, name)| resource_area_info(call, id, name))
        .collect();
    Reply::json(StatusCode::OK, &wire::list(values))
}

/// One resource area by id (case-insensitive); 404 for an area not served here (what Azure
/// DevOps answers there is undocumented).
fn resource_area(call: &Call<'_>, id: &str) -> Result<Reply, AdoError> {
    locations::RESOURCE_AREA_LIST
        .iter()
        .find(|(area, _)| area.eq_ignore_ascii_case(id))
        .map(|(area, name)| Reply::json(StatusCode::OK, &resource_area_info(call, area, name)))
        .ok_or_else(|| {
            AdoError::new(
                StatusCode::NOT_FOUND,
                "VssResourceNotFoundException",
                Assembly::VssWebApi,
                format!("The resource area {id} could not be found."),
            )
        })
}

/// A name-based (version 5) uuid in the emulator's namespace.
fn name_uuid(name: &str) -> String {
    let mut input = NAMESPACE.as_bytes().to_vec();
    input.extend_from_slice(name.as_bytes());
    let hash = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash.as_ref()[..16]);
    uuid::Builder::from_sha1_bytes(bytes).into_uuid().to_string()
}

/// `connectOptions` as a number (`1`) or names (`includeServices`, comma separated); what it
/// cannot read counts as none.
fn connect_options(value: Option<&str>) -> u32 {
    let Some(value) = value else { return 0 };
    if let Ok(number) = value.trim().parse::<u32>() {
        return number;
    }
    value
        .split(',')
        .map(|name| match name.trim().to_ascii_lowercase().as_str() {
            "includeservices" => INCLUDE_SERVICES,
            "includelastuseraccess" => 2,
            "includeinheriteddefinitionsonly" => 4,
            "includenoninheriteddefinitionsonly" => 8,
            _ => 0,
        })
        .fold(0, |acc, bit| acc | bit)
}

/// The `Identity` of the caller: the PAT's owner (named like the PAT), the Entra service
/// principal, or the agent.
fn identity(call: &Call<'_>) -> Value {
    let (id, descriptor, name, account) = match &call.caller {
        Caller::Pat { name, .. } => (
            name_uuid(&format!("pat:{}:{name}", call.org.to_ascii_lowercase())),
            format!("Microsoft.IdentityModel.Claims.ClaimsIdentity;{}\\{name}", call.org),
            name.clone(),
            name.clone(),
        ),
        Caller::Entra { oid, tid, appid } => (
            oid.clone(),
            format!("Microsoft.VisualStudio.Services.Claims.AadServicePrincipal;{tid}\\{oid}"),
            appid.clone(),
            appid.clone(),
        ),
        Caller::Agent { pool_id, agent_id } => {
            let instance = name_uuid(&format!("organization:{}", call.org.to_ascii_lowercase()));
            (
                name_uuid(&format!("agent:{}:{agent_id}", call.org.to_ascii_lowercase())),
                format!("Microsoft.TeamFoundation.ServiceIdentity;{instance}:AgentPool:{pool_id}"),
                format!("Agent Pool Service ({pool_id})"),
                format!("agent-{agent_id}"),
            )
        }
    };
    json!({
        "id": id,
        "descriptor": descriptor,
        "providerDisplayName": name,
        "isActive": true,
        "isContainer": false,
        "members": [],
        "memberOf": [],
        "metaTypeId": 0,
        "properties": { "Account": { "$type": "System.String", "$value": account } },
        "resourceVersion": 2,
    })
}

/// A `ServiceDefinition` of a resource location (`ApiResourceLocation.ToServiceDefinition`).
fn location_definition(location: &Location) -> Value {
    json!({
        "serviceType": location.area,
        "identifier": location.id,
        "displayName": location.resource_name,
        "description": "Resource Location",
        "relativePath": location.route_template,
        "relativeToSetting": "context",
        "minVersion": location.min_version,
        "maxVersion": location.max_version(),
        "releasedVersion": location.released_version,
        "resourceVersion": location.resource_version,
        "serviceOwner": "00000000-0000-0000-0000-000000000000",
        "toolId": "Framework",
        "locationMappings": [],
        "properties": {},
    })
}

/// A `LocationService2` definition: where the service `identifier` is (the organization URL).
fn location_service_definition(call: &Call<'_>, identifier: &str, name: &str) -> Value {
    json!({
        "serviceType": "LocationService2",
        "identifier": identifier,
        "displayName": name,
        "relativeToSetting": "fullyQualified",
        "serviceOwner": "00000000-0000-0000-0000-000000000000",
        "toolId": "Framework",
        "properties": {},
        "locationMappings": [{ "accessMappingMoniker": PUBLIC_ACCESS_MAPPING, "location": location_url(call) }],
    })
}

/// `ConnectionData`: the caller's identity, the organization's ids and its location service
/// data; with `connectOptions` `IncludeServices`, every service definition (the location
/// service, the resource areas, the resource locations).
fn connection_data(call: &Call<'_>) -> Reply {
    let org = call.org.to_ascii_lowercase();
    let instance_id = name_uuid(&format!("organization:{org}"));
    let mut service_data = json!({
        "serviceOwner": SERVICE_OWNER,
        "defaultAccessMappingMoniker": PUBLIC_ACCESS_MAPPING,
        "lastChangeId": LAST_CHANGE_ID,
        "lastChangeId64": LAST_CHANGE_ID,
        "clientCacheFresh": false,
        "accessMappings": [{
            "displayName": "Public Access Mapping",
            "moniker": PUBLIC_ACCESS_MAPPING,
            "accessPoint": location_url(call),
            "serviceOwner": "00000000-0000-0000-0000-000000000000",
            "virtualDirectory": "",
        }],
    });
    if connect_options(query(call.request, "connectOptions")) & INCLUDE_SERVICES != 0 {
        let mut definitions = vec![location_service_definition(call, &instance_id, "Location Service")];
        definitions.extend(
            locations::RESOURCE_AREA_LIST
                .iter()
                .map(|(id, name)| location_service_definition(call, id, name)),
        );
        definitions.extend(locations::ALL.iter().map(location_definition));
        service_data["serviceDefinitions"] = Value::Array(definitions);
    }
    let user = identity(call);
    let body = json!({
        "authenticatedUser": user,
        "authorizedUser": user,
        "instanceId": instance_id,
        "deploymentId": name_uuid(&format!("deployment:{}", call.shared.endpoints.devops)),
        "deploymentType": "hosted",
        "locationServiceData": service_data,
        "webApplicationRelativeDirectory": "",
    });
    Reply::json(StatusCode::OK, &body)
}

#[cfg(test)]
mod tests {
    use super::{Discovery, connect_options, name_uuid};

    fn parse(method: &str, path: &str) -> Option<Discovery> {
        let rest: Vec<String> = path.split('/').filter(|s| !s.is_empty()).map(str::to_owned).collect();
        Discovery::parse(method, &rest)
    }

    #[test]
    fn discovery_paths() {
        assert_eq!(parse("OPTIONS", ""), Some(Discovery::Locations(None)));
        assert_eq!(
            parse("OPTIONS", "distributedtask"),
            Some(Discovery::Locations(Some("distributedtask".into())))
        );
        assert_eq!(parse("OPTIONS", "distributedtask/pools"), None);
        assert_eq!(parse("GET", "resourceAreas"), Some(Discovery::ResourceAreas));
        assert_eq!(
            parse("GET", "ResourceAreas/A85B"),
            Some(Discovery::ResourceArea("A85B".into()))
        );
        assert_eq!(parse("GET", "connectiondata"), Some(Discovery::ConnectionData));
        assert_eq!(parse("POST", "ConnectionData"), Some(Discovery::ConnectionData));
        assert!(!Discovery::ConnectionData.serves("POST"));
        assert_eq!(parse("GET", "projects"), None);
    }

    #[test]
    fn connect_options_as_numbers_or_names() {
        assert_eq!(connect_options(None), 0);
        assert_eq!(connect_options(Some("1")), 1);
        assert_eq!(connect_options(Some("IncludeServices, includeLastUserAccess")), 3);
        assert_eq!(connect_options(Some("none")), 0);
    }

    #[test]
    fn name_uuids_are_stable_version_5_uuids() {
        let id = name_uuid("organization:emulator");
        assert_eq!(id, name_uuid("organization:emulator"));
        assert_ne!(id, name_uuid("organization:other"));
        let parsed = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
    }
}
