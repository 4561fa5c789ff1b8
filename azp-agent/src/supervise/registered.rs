//! The agent this run registered, as `config.sh` recorded it in the agent's `.agent` file.
//!
//! Read once, right after registration and before the listener starts: once a job could have
//! run, every file of the agent folder may have been rewritten by it, so nothing is read from
//! there again.

use crate::install::AgentDir;
use serde::Deserialize;

/// The pool and id of the registered agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RegisteredAgent {
    pub pool_id: i32,
    pub agent_id: i32,
}

/// The fields of `.agent` that matter here (the real agent writes more).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AgentFile {
    agent_id: i32,
    pool_id: i32,
}

impl RegisteredAgent {
    /// The agent recorded in `agent`'s `.agent`, if it holds one.
    pub fn read(agent: &AgentDir) -> Option<RegisteredAgent> {
        let path = agent.root().join(".agent");
        let text = std::fs::read_to_string(&path).ok()?;
        Self::parse(&text).or_else(|| {
            tracing::warn!(path = %path.display(), "the agent settings do not name an agent and a pool");
            None
        })
    }

    fn parse(text: &str) -> Option<RegisteredAgent> {
        let file: AgentFile = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
        (file.agent_id > 0 && file.pool_id > 0).then_some(RegisteredAgent {
            pool_id: file.pool_id,
            agent_id: file.agent_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_agents_settings_file_is_read() {
        let text = "\u{feff}{\n  \"agentId\": 17,\n  \"agentName\": \"aci-1\",\n  \"poolId\": 4,\n  \"poolName\": \"private\",\n  \"serverUrl\": \"https://dev.azure.com/contoso/\",\n  \"workFolder\": \"_work\"\n}";
        assert_eq!(
            RegisteredAgent::parse(text),
            Some(RegisteredAgent {
                pool_id: 4,
                agent_id: 17
            })
        );
        assert_eq!(RegisteredAgent::parse("{\"agentName\": \"x\"}"), None);
        assert_eq!(RegisteredAgent::parse("{\"agentId\": 0, \"poolId\": 1}"), None);
        assert_eq!(RegisteredAgent::parse("not json"), None);
    }
}
