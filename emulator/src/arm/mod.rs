//! The Azure Resource Manager listener: the unauthenticated cloud metadata, authentication,
//! api-versions, routing through the routes of the registered resource providers, role checks,
//! and ARM's headers and error envelope.

mod api_version;
mod auth;
mod body;
mod error;
mod faults;
mod filter;
mod headers;
mod list;
pub(crate) mod lro;
mod metadata;
mod namespaces;
mod not_found;
mod provider;
mod registry;
mod route;
mod skip_token;

use std::sync::Arc;

use hyper::StatusCode;

use crate::faults::ErrorFault;
use crate::http::{Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::model::roles::{Action, has_any_access, is_authorized};
use crate::shared::Shared;
use auth::Caller;
use error::ArmError;
use route::{Access, ArmCall, CompiledRoute};

pub(crate) use registry::{catch_up, seeded};

/// Declares the module of each resource provider and lists its `Provider` in [`PROVIDERS`]:
/// adding a resource type is one line here (see the README's guide).
macro_rules! providers {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every resource provider, each registered once: the router, the resource group cascade,
        /// the generic resource list, seeding and the clock read this list (through [`registry`]).
        const PROVIDERS: &[&dyn provider::ResourceProvider] = &[$(&$module::Provider),*];
    };
}

providers! {
    subscriptions,
    resource_groups,
    resources,
    operations,
    container_groups,
    user_assigned_identities,
}

/// Azure Resource Manager.
pub(crate) struct Arm {
    shared: Arc<Shared>,
    routes: Vec<CompiledRoute>,
    /// Namespaces some route serves (for the 404 of unknown types).
    namespaces: Vec<&'static str>,
}

impl Arm {
    /// The listener of every registered provider's routes.
    pub fn new(shared: Arc<Shared>) -> Self {
        let routes: Vec<CompiledRoute> = PROVIDERS
            .iter()
            .flat_map(|provider| {
                provider
                    .routes()
                    .into_iter()
                    .map(|route| CompiledRoute::new(route, *provider))
            })
            .collect();
        let mut namespaces = vec!["Microsoft.Resources"];
        namespaces.extend(routes.iter().filter_map(CompiledRoute::namespace));
        Arm {
            shared,
            routes,
            namespaces,
        }
    }

    /// Everything after authentication.
    fn dispatch(&self, request: &Request, caller: &Caller) -> Result<Reply, ArmError> {
        let api_version = request.query("api-version").ok_or_else(api_version::missing)?;
        let (compiled, params) = self
            .routes
            .iter()
            .find_map(|r| r.matches(&request.segments).map(|params| (r, params)))
            .ok_or_else(|| not_found::unknown_route(&request.segments, api_version, &self.namespaces))?;
        let route = &compiled.route;
        if !route.methods.contains(&request.method.as_str()) {
            return Err(ArmError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                format!(
                    "The requested resource does not support http method '{}'.",
                    request.method
                ),
            ));
        }
        api_version::check(api_version, &compiled.provider.api_versions())?;
        if compiled.is_in_subscription() {
            self.check_subscription(params[0], caller)?;
        }
        self.check_access(compiled, request, caller)?;
        compiled.provider.catch_up(&self.shared);
        (route.handler)(&ArmCall {
            shared: &self.shared,
            request,
            params,
            api_version,
            caller,
        })
    }

    /// Authenticates the request and answers it in the name of its caller.
    fn handle_authenticated(&self, request: &Request) -> Reply {
        match auth::authenticate(&self.shared, request) {
            Err(error) => error.into_reply(),
            Ok(caller) => match self.dispatch(request, &caller) {
                Ok(reply) => reply,
                Err(error) => error.into_reply(),
            }
            .by(Some(caller.oid)),
        }
    }

    /// The subscription must exist and trust the token's tenant.
    fn check_subscription(&self, id: &str, caller: &Caller) -> Result<(), ArmError> {
        let world = self.shared.read();
        let subscription = world.subscription(id).ok_or_else(|| subscriptions::not_found(id))?;
        if subscription.tenant_id.eq_ignore_ascii_case(&caller.tid) {
            return Ok(());
        }
        let message = format!(
            "The access token is from the wrong issuer 'https://sts.windows.net/{}/'. It must match the tenant 'https://sts.windows.net/{}/' associated with this subscription. Please use the authority (URL) '{}/{}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.",
            caller.tid, subscription.tenant_id, self.shared.endpoints.login, subscription.tenant_id
        );
        Err(auth::unauthorized(
            &self.shared,
            &subscription.tenant_id,
            "InvalidAuthenticationTokenTenant",
            &message,
            "The access token is from the wrong issuer.",
        ))
    }

    /// The role check of the route.
    fn check_access(&self, compiled: &CompiledRoute, request: &Request, caller: &Caller) -> Result<(), ArmError> {
        let method_action = match request.method.as_str() {
            "GET" | "HEAD" => Action::Read,
            "DELETE" => Action::Delete,
            _ => Action::Write,
        };
        let (scope_len, action_name, allowed) = {
            let world = self.shared.read();
            let target = |len: usize| -> Vec<&str> { request.segments.iter().take(len).map(String::as_str).collect() };
            let authorized =
                |len: usize, action: Action| is_authorized(&world.role_assignments, &caller.oid, action, &target(len));
            match compiled.route.access {
                Access::Filtered => return Ok(()),
                Access::Related {
                    scope_len,
                    resource_type,
                } => (
                    scope_len,
                    format!("{resource_type}/{}", method_action.verb()),
                    has_any_access(&world.role_assignments, &caller.oid, &target(scope_len)),
                ),
                Access::Action {
                    scope_len,
                    resource_type,
                } => (
                    scope_len,
                    format!("{resource_type}/{}", method_action.verb()),
                    authorized(scope_len, method_action),
                ),
                Access::Named {
                    scope_len,
                    action,
                    needs,
                } => (scope_len, action.to_owned(), authorized(scope_len, needs)),
            }
        };
        if allowed {
            return Ok(());
        }
        let scope = compiled.scope(&request.segments, scope_len);
        Err(ArmError::new(
            StatusCode::FORBIDDEN,
            "AuthorizationFailed",
            format!(
                "The client '{}' with object id '{}' does not have authorization to perform action '{action_name}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                caller.appid, caller.oid
            ),
        ))
    }
}

impl Family for Arm {
    const KIND: ListenerKind = ListenerKind::Arm;

    fn handle(&self, request: &Request) -> Reply {
        let reply = if metadata::is_requested(request) {
            metadata::endpoints(&self.shared.endpoints, request).unwrap_or_else(ArmError::into_reply)
        } else {
            self.handle_authenticated(request)
        };
        headers::stamp(reply, request, &self.shared.settings.location, self.shared.clock.now())
    }

    fn fault_reply(&self, fault: ErrorFault, request: &Request) -> Reply {
        headers::stamp(
            faults::reply(fault, request).into_reply(),
            request,
            &self.shared.settings.location,
            self.shared.clock.now(),
        )
    }
}
