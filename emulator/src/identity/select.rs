//! Choosing the managed identity a token request means, the way IMDS does.

use crate::config::IdentityKind;
use crate::model::World;
use crate::model::principals::ManagedIdentity;

/// How the request names an identity.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Selector<'a> {
    /// No id: the system-assigned identity, else the only user-assigned one.
    Default,
    ClientId(&'a str),
    ObjectId(&'a str),
    ResourceId(&'a str),
}

/// What an id parameter holds.
#[derive(Clone, Copy)]
pub(crate) enum IdKind {
    Client,
    Object,
    Resource,
}

impl IdKind {
    fn selector(self, value: &str) -> Selector<'_> {
        match self {
            IdKind::Client => Selector::ClientId(value),
            IdKind::Object => Selector::ObjectId(value),
            IdKind::Resource => Selector::ResourceId(value),
        }
    }
}

/// The query parameter names that select an identity, and what each holds.
pub(crate) type SelectorNames = &'static [(&'static str, IdKind)];

/// The selector of a request; an error when more than one id is given.
pub(crate) fn from_query<'a>(query: &'a [(String, String)], names: SelectorNames) -> Result<Selector<'a>, String> {
    let mut found = query.iter().filter_map(|(key, value)| {
        names
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, kind)| kind.selector(value.as_str()))
    });
    match (found.next(), found.next()) {
        (None, _) => Ok(Selector::Default),
        (Some(selector), None) => Ok(selector),
        (Some(_), Some(_)) => {
            Err("Only one of client_id, object_id or msi_res_id can be specified in the token request".to_owned())
        }
    }
}

/// The identity the selector names, or IMDS's error description.
pub(crate) fn select<'w>(world: &'w World, selector: &Selector<'_>) -> Result<&'w ManagedIdentity, &'static str> {
    let identities = &world.identities;
    let found = match selector {
        Selector::Default => {
            if let Some(system) = identities.iter().find(|mi| mi.kind == IdentityKind::System) {
                return Ok(system);
            }
            let mut users = identities.iter().filter(|mi| mi.kind == IdentityKind::User);
            return match (users.next(), users.next()) {
                (Some(only), None) => Ok(only),
                (Some(_), Some(_)) => Err(
                    "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request",
                ),
                (None, _) => Err("Identity not found"),
            };
        }
        Selector::ClientId(id) => identities.iter().find(|mi| mi.client_id.eq_ignore_ascii_case(id)),
        Selector::ObjectId(id) => identities.iter().find(|mi| mi.principal_id.eq_ignore_ascii_case(id)),
        Selector::ResourceId(id) => identities.iter().find(|mi| mi.resource_id.eq_ignore_ascii_case(id)),
    };
    found.ok_or("Identity not found")
}
