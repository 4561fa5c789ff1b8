//! Fault injection at run time: compiled rules, reproducible draws, hot replacement.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use crate::config::{FaultConfig, FaultRule, Rates};
use crate::listener_kind::ListenerKind;

/// A fault to inflict on one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InjectedFault {
    /// Answer with an error in the family's format.
    Respond(ErrorFault),
    /// Close the connection without answering.
    Drop,
}

/// An injected fault that is answered (each family renders it in its own error format).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorFault {
    /// 429 with `Retry-After`.
    TooManyRequests { retry_after_secs: u64 },
    /// 500.
    InternalError,
    /// 503 with `Retry-After`.
    Unavailable { retry_after_secs: u64 },
}

impl InjectedFault {
    /// The journal's name of the fault.
    pub fn label(self) -> &'static str {
        match self {
            InjectedFault::Respond(ErrorFault::TooManyRequests { .. }) => "429",
            InjectedFault::Respond(ErrorFault::InternalError) => "500",
            InjectedFault::Respond(ErrorFault::Unavailable { .. }) => "503",
            InjectedFault::Drop => "drop",
        }
    }
}

/// What the fault rules decided for one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    pub latency: Duration,
    pub fault: Option<InjectedFault>,
}

/// Which requests a route rule applies to (strings lowercased).
struct Matcher {
    method: Option<String>,
    prefix: Option<String>,
    contains: Option<String>,
    listener: Option<ListenerKind>,
}

impl Matcher {
    fn matches(&self, listener: ListenerKind, method: &str, lower_path: &str) -> bool {
        self.listener.is_none_or(|l| l == listener)
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.prefix.as_deref().is_none_or(|p| lower_path.starts_with(p))
            && self.contains.as_deref().is_none_or(|c| lower_path.contains(c))
    }
}

/// One rule with its own random generator.
struct Rule {
    matcher: Option<Matcher>,
    rates: Rates,
    latency: Duration,
    retry_after_secs: u64,
    rng: Mutex<fastrand::Rng>,
}

impl Rule {
    fn new(matcher: Option<Matcher>, rates: Rates, latency_ms: u64, retry_after_secs: u64, seed: u64) -> Rule {
        Rule {
            matcher,
            rates,
            latency: Duration::from_millis(latency_ms),
            retry_after_secs,
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        }
    }

    /// One draw: drop, 429, 500 and 503 take consecutive slices of `[0, 1)`.
    fn draw(&self) -> Option<InjectedFault> {
        let x = self.rng.lock().unwrap_or_else(PoisonError::into_inner).f64();
        let retry_after_secs = self.retry_after_secs;
        let Rates {
            drop,
            too_many_requests,
            internal_error,
            unavailable,
        } = self.rates;
        let slices = [
            (drop, InjectedFault::Drop),
            (
                too_many_requests,
                InjectedFault::Respond(ErrorFault::TooManyRequests { retry_after_secs }),
            ),
            (internal_error, InjectedFault::Respond(ErrorFault::InternalError)),
            (
                unavailable,
                InjectedFault::Respond(ErrorFault::Unavailable { retry_after_secs }),
            ),
        ];
        let mut bound = 0.0;
        slices.into_iter().find_map(|(rate, fault)| {
            bound += rate;
            (x < bound).then_some(fault)
        })
    }
}

/// A compiled fault configuration.
struct Plan {
    /// The global rates first, then the route rules, each only if it does something.
    rules: Vec<Rule>,
}

impl Plan {
    fn compile(config: &FaultConfig) -> Plan {
        let seed = config.seed.unwrap_or_else(|| fastrand::u64(..));
        let global = Rule::new(None, config.rates(), config.latency_ms, config.retry_after_secs, seed);
        let routes = config.routes.iter().enumerate().map(|(i, rule)| {
            let rule_seed = rule.seed.unwrap_or(seed.wrapping_add(i as u64 + 1));
            route_rule(rule, config.retry_after_secs, rule_seed)
        });
        let rules = std::iter::once(global)
            .chain(routes)
            .filter(|r| r.rates.any() || !r.latency.is_zero())
            .collect();
        Plan { rules }
    }

    fn decide(&self, listener: ListenerKind, method: &str, path: &str) -> Decision {
        let mut decision = Decision::default();
        if self.rules.is_empty() {
            return decision;
        }
        let lower_path = path.to_lowercase();
        for rule in &self.rules {
            let applies = rule
                .matcher
                .as_ref()
                .is_none_or(|m| m.matches(listener, method, &lower_path));
            if !applies {
                continue;
            }
            decision.latency = decision.latency.saturating_add(rule.latency);
            if rule.rates.any() {
                let fault = rule.draw();
                decision.fault = decision.fault.or(fault);
            }
        }
        decision
    }
}

fn route_rule(rule: &FaultRule, default_retry_after: u64, seed: u64) -> Rule {
    let matcher = Matcher {
        method: rule.method.clone(),
        prefix: rule.path_prefix.as_deref().map(str::to_lowercase),
        contains: rule.path_contains.as_deref().map(str::to_lowercase),
        listener: rule.listener,
    };
    let retry_after_secs = rule.retry_after_secs.unwrap_or(default_retry_after);
    Rule::new(Some(matcher), rule.rates(), rule.latency_ms, retry_after_secs, seed)
}

/// The fault rules in force; replaceable while the emulator runs.
pub(crate) struct Faults {
    plan: RwLock<Arc<Plan>>,
}

impl Faults {
    /// Rules from a (validated) configuration.
    pub fn new(config: &FaultConfig) -> Self {
        Faults {
            plan: RwLock::new(Arc::new(Plan::compile(config))),
        }
    }

    /// Replaces the rules; draws restart from the new seeds.
    pub fn replace(&self, config: &FaultConfig) {
        let plan = Arc::new(Plan::compile(config));
        *self.plan.write().unwrap_or_else(PoisonError::into_inner) = plan;
    }

    /// What to do to this request.
    pub fn decide(&self, listener: ListenerKind, method: &str, path: &str) -> Decision {
        let plan = Arc::clone(&self.plan.read().unwrap_or_else(PoisonError::into_inner));
        plan.decide(listener, method, path)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Decision, ErrorFault, Faults, InjectedFault};
    use crate::config::{FaultConfig, FaultRule};
    use crate::listener_kind::ListenerKind;

    fn sequence(faults: &Faults, n: usize) -> Vec<Option<InjectedFault>> {
        (0..n)
            .map(|_| faults.decide(ListenerKind::Arm, "GET", "/x").fault)
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let config = FaultConfig {
            seed: Some(7),
            rate_429: 0.3,
            rate_drop: 0.2,
            ..FaultConfig::default()
        };
        let first = sequence(&Faults::new(&config), 200);
        let second = sequence(&Faults::new(&config), 200);
        assert_eq!(first, second);
        let drops = first.iter().filter(|f| **f == Some(InjectedFault::Drop)).count();
        let throttles = first.iter().filter(|f| f.is_some()).count() - drops;
        assert!((20..=60).contains(&drops), "{drops} drops");
        assert!((40..=80).contains(&throttles), "{throttles} 429s");
    }

    #[test]
    fn route_rules_match_method_path_and_listener() {
        let faults = Faults::new(&FaultConfig {
            routes: vec![FaultRule {
                method: Some("delete".into()),
                path_contains: Some("/RESOURCEGROUPS/".into()),
                listener: Some(ListenerKind::Arm),
                rate_503: 1.0,
                latency_ms: 5,
                retry_after_secs: Some(9),
                ..FaultRule::default()
            }],
            ..FaultConfig::default()
        });
        let hit = faults.decide(ListenerKind::Arm, "DELETE", "/subscriptions/s/resourceGroups/rg");
        assert_eq!(
            hit,
            Decision {
                latency: Duration::from_millis(5),
                fault: Some(InjectedFault::Respond(ErrorFault::Unavailable { retry_after_secs: 9 })),
            }
        );
        let miss = faults.decide(ListenerKind::Arm, "GET", "/subscriptions/s/resourceGroups/rg");
        assert_eq!(miss, Decision::default());
        let other = faults.decide(ListenerKind::Login, "DELETE", "/resourcegroups/");
        assert_eq!(other, Decision::default());
        faults.replace(&FaultConfig::default());
        let cleared = faults.decide(ListenerKind::Arm, "DELETE", "/subscriptions/s/resourceGroups/rg");
        assert_eq!(cleared, Decision::default());
    }
}
