//! Fault injection at run time: compiled rules, reproducible draws, hot replacement.

use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use crate::config::{FaultConfig, FaultRule};
use crate::listener_kind::ListenerKind;

/// A fault to inflict on one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InjectedFault {
    /// 429 with `Retry-After`.
    TooManyRequests { retry_after_secs: u64 },
    /// 500.
    InternalError,
    /// 503 with `Retry-After`.
    Unavailable { retry_after_secs: u64 },
    /// Close the connection without answering.
    Drop,
}

impl InjectedFault {
    /// The journal's name of the fault.
    pub fn label(self) -> &'static str {
        match self {
            InjectedFault::TooManyRequests { .. } => "429",
            InjectedFault::InternalError => "500",
            InjectedFault::Unavailable { .. } => "503",
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
    /// Probabilities of drop, 429, 500, 503.
    rates: [f64; 4],
    latency: Duration,
    retry_after_secs: u64,
    rng: Mutex<fastrand::Rng>,
}

impl Rule {
    fn draws(&self) -> bool {
        self.rates.iter().any(|r| *r > 0.0)
    }

    fn draw(&self) -> Option<InjectedFault> {
        let x = self.rng.lock().unwrap_or_else(PoisonError::into_inner).f64();
        let [drop, too_many, internal, unavailable] = self.rates;
        let retry_after_secs = self.retry_after_secs;
        let mut bound = drop;
        if x < bound {
            return Some(InjectedFault::Drop);
        }
        bound += too_many;
        if x < bound {
            return Some(InjectedFault::TooManyRequests { retry_after_secs });
        }
        bound += internal;
        if x < bound {
            return Some(InjectedFault::InternalError);
        }
        bound += unavailable;
        (x < bound).then_some(InjectedFault::Unavailable { retry_after_secs })
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
        let global = Rule {
            matcher: None,
            rates: [config.rate_drop, config.rate_429, config.rate_500, config.rate_503],
            latency: Duration::from_millis(config.latency_ms),
            retry_after_secs: config.retry_after_secs,
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        };
        let routes = config.routes.iter().enumerate().map(|(i, rule)| {
            let rule_seed = rule.seed.unwrap_or(seed.wrapping_add(i as u64 + 1));
            route_rule(rule, config.retry_after_secs, rule_seed)
        });
        let rules = std::iter::once(global)
            .chain(routes)
            .filter(|r| r.draws() || !r.latency.is_zero())
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
            decision.latency += rule.latency;
            if rule.draws() {
                let fault = rule.draw();
                decision.fault = decision.fault.or(fault);
            }
        }
        decision
    }
}

fn route_rule(rule: &FaultRule, default_retry_after: u64, seed: u64) -> Rule {
    Rule {
        matcher: Some(Matcher {
            method: rule.method.clone(),
            prefix: rule.path_prefix.as_deref().map(str::to_lowercase),
            contains: rule.path_contains.as_deref().map(str::to_lowercase),
            listener: rule.listener,
        }),
        rates: [rule.rate_drop, rule.rate_429, rule.rate_500, rule.rate_503],
        latency: Duration::from_millis(rule.latency_ms),
        retry_after_secs: rule.retry_after_secs.unwrap_or(default_retry_after),
        rng: Mutex::new(fastrand::Rng::with_seed(seed)),
    }
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

    use super::{Decision, Faults, InjectedFault};
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
                fault: Some(InjectedFault::Unavailable { retry_after_secs: 9 }),
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
