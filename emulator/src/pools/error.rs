//! Azure DevOps errors: the exception a request ends in, rendered by the devops listener as the
//! `{"$id","innerException","message","typeName","typeKey","errorCode","eventId"}` envelope.

use hyper::StatusCode;

/// The assembly and namespace an exception type lives in (the envelope's `typeName`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assembly {
    /// `Microsoft.TeamFoundation.DistributedTask.WebApi`.
    DistributedTask,
    /// `Microsoft.VisualStudio.Services.WebApi`.
    VssWebApi,
    /// `System` (mscorlib).
    System,
}

/// An Azure DevOps exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AdoError {
    pub status: StatusCode,
    /// The exception's short name, e.g. `TaskAgentNotFoundException`.
    pub type_key: &'static str,
    pub assembly: Assembly,
    pub message: String,
}

impl AdoError {
    pub fn new(status: StatusCode, type_key: &'static str, assembly: Assembly, message: impl Into<String>) -> Self {
        AdoError {
            status,
            type_key,
            assembly,
            message: message.into(),
        }
    }

    /// The envelope's `typeName`: the full type name and its assembly.
    pub fn type_name(&self) -> String {
        match self.assembly {
            Assembly::DistributedTask => format!(
                "Microsoft.TeamFoundation.DistributedTask.WebApi.{}, Microsoft.TeamFoundation.DistributedTask.WebApi",
                self.type_key
            ),
            Assembly::VssWebApi => format!(
                "Microsoft.VisualStudio.Services.WebApi.{}, Microsoft.VisualStudio.Services.WebApi",
                self.type_key
            ),
            Assembly::System => format!("System.{}, mscorlib", self.type_key),
        }
    }

    /// 400 `ArgumentException`.
    pub fn argument(message: impl Into<String>) -> Self {
        AdoError::new(StatusCode::BAD_REQUEST, "ArgumentException", Assembly::System, message)
    }

    /// 403 `AccessDeniedException`.
    pub fn access_denied(message: impl Into<String>) -> Self {
        AdoError::new(
            StatusCode::FORBIDDEN,
            "AccessDeniedException",
            Assembly::DistributedTask,
            message,
        )
    }

    /// 404 `TaskAgentPoolNotFoundException`.
    pub fn pool_not_found(pool: impl std::fmt::Display) -> Self {
        AdoError::new(
            StatusCode::NOT_FOUND,
            "TaskAgentPoolNotFoundException",
            Assembly::DistributedTask,
            format!("Agent pool {pool} could not be found."),
        )
    }

    /// 404 `TaskAgentNotFoundException`.
    pub fn agent_not_found(pool_id: i32, agent_id: i32) -> Self {
        AdoError::new(
            StatusCode::NOT_FOUND,
            "TaskAgentNotFoundException",
            Assembly::DistributedTask,
            format!("No agent found in pool {pool_id} having identifier {agent_id}."),
        )
    }

    /// 409 `TaskAgentExistsException`.
    pub fn agent_exists(pool_id: i32, name: &str) -> Self {
        AdoError::new(
            StatusCode::CONFLICT,
            "TaskAgentExistsException",
            Assembly::DistributedTask,
            format!("Pool {pool_id} already contains an agent with name {name}."),
        )
    }

    /// 404 `TaskAgentJobNotFoundException`.
    pub fn request_not_found(request_id: i64) -> Self {
        AdoError::new(
            StatusCode::NOT_FOUND,
            "TaskAgentJobNotFoundException",
            Assembly::DistributedTask,
            format!("No job request found with identifier {request_id}."),
        )
    }

    /// 404 `TaskAgentSessionExpiredException`.
    pub fn session_not_found(session_id: &str) -> Self {
        AdoError::new(
            StatusCode::NOT_FOUND,
            "TaskAgentSessionExpiredException",
            Assembly::DistributedTask,
            format!("The agent session {session_id} was not found or has expired."),
        )
    }

    /// 409 `TaskAgentJobTokenExpiredException`: a lock token that is not the request's.
    pub fn lock_mismatch(request_id: i64) -> Self {
        AdoError::new(
            StatusCode::CONFLICT,
            "TaskAgentJobTokenExpiredException",
            Assembly::DistributedTask,
            format!("The lock token of job request {request_id} is not valid or has expired."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::AdoError;

    #[test]
    fn type_names_name_the_assembly() {
        assert_eq!(
            AdoError::pool_not_found(7).type_name(),
            "Microsoft.TeamFoundation.DistributedTask.WebApi.TaskAgentPoolNotFoundException, Microsoft.TeamFoundation.DistributedTask.WebApi"
        );
        assert_eq!(
            AdoError::argument("x").type_name(),
            "System.ArgumentException, mscorlib"
        );
    }
}
