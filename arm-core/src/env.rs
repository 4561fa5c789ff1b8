//! Where configuration variables come from: the process environment, or a map in tests.

use std::collections::{BTreeMap, HashMap};

/// A source of environment variables.
///
/// Configuration readers take a `&dyn EnvSource` so that they can be driven from a map in
/// tests and in tools that keep settings elsewhere. Empty values count as unset.
pub trait EnvSource {
    /// The value of `name`, or `None` when it is unset or empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The environment of the current process.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}

impl EnvSource for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty()).cloned()
    }
}
