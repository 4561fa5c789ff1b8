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
use crate::rbac::{self, Scope};
use crate::shared::Shared;
use auth::Caller;
use error::ArmError;
use route::{Access, ArmCall, CompiledRoute};

pub(crate) use acr_runs::executor::serve as acr_executor;
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
    storage_accounts,
    blob_containers,
    galleries,
    gallery_images,
    gallery_image_versions,
    images,
    platform_images,
    image_templates,
    registries,
    agent_pools,
    acr_runs,
    acr_tasks,
    virtual_networks,
    network_security_groups,
    route_tables,
    role_assignments,
    role_definitions,
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
        // The route of the path and the method; else the path's first route (405).
        let method = request.method.as_str();
        let matching = || {
            self.routes
                .iter()
                .filter_map(|r| r.matches(&request.segments).map(|params| (r, params)))
        };
        let (compiled, params) = matching()
            .find(|(r, _)| r.route.methods.contains(&method))
            .or_else(|| matching().next())
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
        if let Some(subscription) = compiled.subscription(&request.segments) {
            self.check_subscription(subscription, caller)?;
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

    /// The role check of the route: Azure RBAC over the action and scope of the request.
    fn check_access(&self, compiled: &CompiledRoute, request: &Request, caller: &Caller) -> Result<(), ArmError> {
        let Some(operation) = rbac::arm_operation(request.method.as_str(), &request.path) else {
            return Ok(());
        };
        let allowed = {
            let world = self.shared.read();
            let authorizer = world.authorizer();
            match compiled.route.access {
                Access::Filtered => true,
                Access::Related { scope_len } => {
                    let scope = Scope::from_segments(request.segments.iter().take(scope_len).cloned().collect());
                    authorizer.has_any_assignment_related_to(&caller.oid, &scope)
                }
                Access::Rbac => authorizer.is_action_allowed(&caller.oid, &operation.action, &operation.scope),
            }
        };
        if allowed {
            return Ok(());
        }
        Err(denied(
            &caller.appid,
            &caller.oid,
            &operation.action,
            operation.scope.as_str(),
        ))
    }
}

/// ARM's 403 `AuthorizationFailed` naming the action and the scope.
pub(crate) fn denied(client: &str, object_id: &str, action: &str, scope: &str) -> ArmError {
    rbac_error(rbac::denial::authorization_failed(client, object_id, action, scope))
}

/// An RBAC error in ARM's envelope.
pub(crate) fn rbac_error(error: rbac::RbacError) -> ArmError {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::FORBIDDEN);
    ArmError::new(status, error.code, error.message)
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
