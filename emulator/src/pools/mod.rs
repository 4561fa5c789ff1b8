//! Azure DevOps agent pools: organizations, pools, PATs, agents, listener sessions and job
//! requests, shared by the devops listener, the admin API and the long polls of listeners.

pub(crate) mod agents;
pub(crate) mod error;
pub(crate) mod names;
pub(crate) mod requests;
pub(crate) mod seeding;
pub(crate) mod sessions;
pub(crate) mod state;
pub(crate) mod wire;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::clock::Clock;
use state::PoolsState;

/// The agent pools of every organization, and a signal for listeners waiting for messages.
pub(crate) struct AgentPools {
    state: Mutex<PoolsState>,
    /// Woken whenever a job is queued or a session, agent or request changes, so that long
    /// polls look again at once.
    pub changed: Notify,
    /// How long a long poll waits for a message.
    pub poll: Duration,
    /// How long a listener may stay silent before its session ends.
    pub session_timeout: Duration,
}

impl AgentPools {
    pub fn new(state: PoolsState, poll: Duration, session_timeout: Duration) -> Self {
        AgentPools {
            state: Mutex::new(state),
            changed: Notify::new(),
            poll,
            session_timeout,
        }
    }

    /// Exclusive access to the records as they are at `clock`'s now: the sessions of listeners
    /// silent for longer than the session timeout have ended first.
    pub fn lock(&self, clock: &Clock) -> MutexGuard<'_, PoolsState> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let now = clock.now();
        let mut expired = false;
        for org in &mut state.organizations {
            expired |= sessions::expire_silent(org, now, self.session_timeout);
        }
        if expired {
            self.wake();
        }
        state
    }

    /// Wakes every waiting long poll.
    pub fn wake(&self) {
        self.changed.notify_waiters();
    }
}
