//! Fault injection settings: the `[faults]` section of the config and the admin `PUT /faults` body.

use serde::Deserialize;

use super::rates::Rates;
use crate::error::Error;
use crate::listener_kind::ListenerKind;

/// Global fault rates (applied to every request on the arm, login, imds, devops and blob listeners) plus
/// per-route rules. Faults never apply to the admin listener.
#[derive(Deserialize, Clone, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Seed of the random draws, so that a run is reproducible; random when left out. Rule `n`
    /// (counting the global rates as rule 0) draws from its own generator seeded with
    /// `seed + n` unless it sets its own `seed`.
    pub seed: Option<u64>,
    /// Probability (0..=1) of answering 429 Too Many Requests with `Retry-After`.
    pub rate_429: f64,
    /// Probability of answering 500 Internal Server Error.
    pub rate_500: f64,
    /// Probability of answering 503 Service Unavailable with `Retry-After`.
    pub rate_503: f64,
    /// Probability of closing the connection without a response.
    pub rate_drop: f64,
    /// Delay added before every request is answered.
    pub latency_ms: u64,
    /// `Retry-After` (seconds) of injected 429 and 503 responses.
    pub retry_after_secs: u64,
    /// Rules for matching requests only.
    pub routes: Vec<FaultRule>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            seed: None,
            rate_429: 0.0,
            rate_500: 0.0,
            rate_503: 0.0,
            rate_drop: 0.0,
            latency_ms: 0,
            retry_after_secs: 1,
            routes: Vec::new(),
        }
    }
}

/// Faults for the requests that match every matcher given (method, path, listener).
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// HTTP method, e.g. `GET` (case-insensitive); any when left out.
    #[serde(default)]
    pub method: Option<String>,
    /// The request path starts with this (case-insensitive).
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// The request path contains this (case-insensitive).
    #[serde(default)]
    pub path_contains: Option<String>,
    /// Only on this listener: `arm`, `login`, `imds`, `devops` or `blob`.
    #[serde(default)]
    pub listener: Option<ListenerKind>,
    /// Probability (0..=1) of a 429.
    #[serde(default)]
    pub rate_429: f64,
    /// Probability of a 500.
    #[serde(default)]
    pub rate_500: f64,
    /// Probability of a 503.
    #[serde(default)]
    pub rate_503: f64,
    /// Probability of a dropped connection.
    #[serde(default)]
    pub rate_drop: f64,
    /// Delay added to matching requests (on top of the global latency).
    #[serde(default)]
    pub latency_ms: u64,
    /// `Retry-After` of this rule's 429 and 503; the global value when left out.
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
    /// Seed of this rule's draws; derived from the global seed when left out.
    #[serde(default)]
    pub seed: Option<u64>,
}

impl FaultConfig {
    /// The global fault probabilities.
    pub(crate) fn rates(&self) -> Rates {
        Rates::new(self.rate_429, self.rate_500, self.rate_503, self.rate_drop)
    }

    /// Checks rates, methods and listeners; `field` is the path of this section (e.g. `faults`).
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        self.rates().validate(field)?;
        for (index, rule) in self.routes.iter().enumerate() {
            rule.validate(&format!("{field}.routes[{index}]"))?;
        }
        Ok(())
    }
}

impl FaultRule {
    /// The rule's fault probabilities.
    pub(crate) fn rates(&self) -> Rates {
        Rates::new(self.rate_429, self.rate_500, self.rate_503, self.rate_drop)
    }

    fn validate(&self, field: &str) -> Result<(), Error> {
        self.rates().validate(field)?;
        if self.listener == Some(ListenerKind::Admin) {
            return Err(Error::invalid(
                format!("{field}.listener"),
                "faults never apply to the admin listener",
            ));
        }
        if let Some(method) = &self.method
            && (method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            return Err(Error::invalid(
                format!("{field}.method"),
                format!("'{method}' is not an HTTP method"),
            ));
        }
        Ok(())
    }
}
