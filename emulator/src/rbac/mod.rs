//! Azure RBAC as Azure evaluates it: role definitions with `actions`, `notActions`,
//! `dataActions` and `notDataActions` and their wildcards, the built-in roles under their real
//! GUIDs, role assignments at any scope, the action and scope of every ARM request, the
//! decision, Azure's denials, and the checks ARM makes when role assignments and custom roles
//! are written. Pure logic and data: no IO, no locks, no clock.
//!
//! How the pieces fit, for a router:
//!
//! ```text
//! let op = action::arm_operation(method, path)?;                // action + scope of the request
//! let authorizer = assignment::Authorizer::new(&assignments, &custom_roles);
//! if !authorizer.is_action_allowed(caller_oid, &op.action, &op.scope) {
//!     return denial::authorization_failed(client, caller_oid, &op.action, op.scope.as_str());
//! }
//! ```
//!
//! and for Blob: `authorizer.is_any_allowed(oid, blob::BlobOperation::ReadBlob.needs(),
//! &blob::blob_scope(account_id, Some(container)))`, else
//! `denial::storage_permission_mismatch()`.
//!
//! Sources are cited where each rule is implemented; the main ones are learn.microsoft.com
//! "Understand Azure role definitions", "Azure custom roles", "Azure built-in roles",
//! "Troubleshoot Azure RBAC" (MicrosoftDocs/azure-docs `articles/role-based-access-control/`)
//! and "Permissions for calling data operations" (Storage REST reference).

pub mod action;
pub mod assignment;
pub mod blob;
pub mod builtin;
pub mod definition;
pub mod denial;
pub mod pattern;
pub mod scope;
pub mod validate;

pub use action::{ArmOperation, Verb, arm_operation};
pub use assignment::{Authorizer, Needed, PrincipalType, Role, RoleAssignment};
pub use builtin::{BUILT_IN_ROLES, BuiltInRole};
pub use definition::{Permission, RoleDefinition, RoleType};
pub use denial::{RbacError, StorageError};
pub use scope::{Scope, ScopeKind};
