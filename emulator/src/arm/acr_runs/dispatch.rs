//! The run queues: each agent pool instance runs one run at a time, so a pool of `count`
//! instances holds at most `count` runs `Started` or `Running`, and the others wait `Queued` in
//! the order they were scheduled; a pool scaled to 0 keeps them queued until it grows (ACR
//! queues them silently: learn.microsoft.com "Run an ACR task on a dedicated agent pool" asks
//! for "at least 1 instance"). A run on no pool goes to the shared compute, which the emulator
//! treats as always free. A run whose pool was deleted stays queued as well (Azure documents
//! nothing; its cancel still works).

use std::collections::BTreeMap;
use std::time::Instant;

use time::OffsetDateTime;

use crate::model::World;
use crate::model::acr::agent_pool::{agent_pool, pool_id};
use crate::model::acr::run::{RunStatus, runs, runs_mut};
use crate::model::store::key;

/// Takes queued runs off their queues while an agent is free for them: each becomes `Started`
/// at `wall` (emulator instant `now`). Runs on no pool start at once. Called when a run is
/// scheduled, when a run ends, by the executor's loop, and by the agent pools' provider when a
/// pool's count changes.
pub(crate) fn dispatch(world: &mut World, wall: OffsetDateTime, now: Instant) {
    let Some(store) = runs(world) else {
        return;
    };
    // Per pool (lowercase pool id): runs holding an agent, and the queued runs by number.
    let mut busy: BTreeMap<String, u32> = BTreeMap::new();
    let mut queued: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    let mut shared_compute = Vec::new();
    for run in store.values() {
        let pool = run
            .agent_pool
            .as_deref()
            .map(|name| key(&pool_id(&run.registry_id, name)));
        match (run.status, pool) {
            (status, Some(pool)) if status.holds_agent() => *busy.entry(pool).or_default() += 1,
            (RunStatus::Queued, Some(pool)) => queued.entry(pool).or_default().push((run.number, run.id())),
            (RunStatus::Queued, None) => shared_compute.push(run.id()),
            _ => {}
        }
    }
    let mut starting = shared_compute;
    for (pool, mut waiting) in queued {
        let capacity = agent_pool(world, &pool, now).map_or(0, |pool| pool.count);
        let free = capacity.saturating_sub(busy.get(&pool).copied().unwrap_or(0));
        waiting.sort();
        starting.extend(
            waiting
                .into_iter()
                .take(usize::try_from(free).unwrap_or(usize::MAX))
                .map(|(_, id)| id),
        );
    }
    let store = runs_mut(world);
    for id in starting {
        if let Some(run) = store.get_mut(&id, now) {
            run.set_status(RunStatus::Started, wall);
            run.started = Some((wall, now));
        }
    }
}
