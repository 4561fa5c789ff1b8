//! Command-line inputs as the real agent reads them: `--name value` (or `--name=value`) and
//! `--flag`, each also from `VSTS_AGENT_INPUT_<NAME>` (case-insensitive); an argument wins over
//! the variable.

use std::collections::{BTreeMap, BTreeSet};

/// Prefix of the variables that carry inputs.
pub(crate) const ENV_PREFIX: &str = "VSTS_AGENT_INPUT_";

/// Inputs that take a value (lowercase).
const VALUED: &[&str] = &[
    "url",
    "pool",
    "agent",
    "work",
    "auth",
    "token",
    "clientid",
    "clientsecret",
    "tenantid",
    "username",
    "password",
    "projectname",
    "deploymentgroupname",
    "environmentname",
    "collectionname",
    "windowslogonaccount",
    "windowslogonpassword",
    "proxyurl",
    "proxyusername",
    "proxypassword",
    "sslcacert",
    "sslclientcert",
    "sslclientcertkey",
    "sslclientcertarchive",
    "sslclientcertpassword",
    "monitorsocketaddress",
    "startuptype",
];

/// Parsed inputs. Not `Debug`: they hold the token and secrets.
#[derive(Default)]
pub(crate) struct Inputs {
    /// Values by lowercase name.
    values: BTreeMap<String, String>,
    /// Flags given (lowercase).
    flags: BTreeSet<String>,
    /// Arguments that are not inputs (reported as the real agent does, then ignored).
    pub unrecognized: Vec<String>,
}

impl Inputs {
    /// Inputs from `args` (after the command) and the environment `vars`.
    pub fn parse(args: &[String], vars: impl IntoIterator<Item = (String, String)>) -> Inputs {
        let mut inputs = Inputs::default();
        for (name, value) in vars {
            let Some(rest) = name
                .get(..ENV_PREFIX.len())
                .filter(|prefix| prefix.eq_ignore_ascii_case(ENV_PREFIX))
                .map(|_| &name[ENV_PREFIX.len()..])
            else {
                continue;
            };
            let key = rest.to_ascii_lowercase();
            if VALUED.contains(&key.as_str()) {
                inputs.values.insert(key, value);
            } else if value.eq_ignore_ascii_case("true") {
                inputs.flags.insert(key);
            }
        }
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let Some(name) = arg.strip_prefix("--") else {
                inputs.unrecognized.push(arg.clone());
                continue;
            };
            let (name, inline) = match name.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (name, None),
            };
            let key = name.to_ascii_lowercase();
            if VALUED.contains(&key.as_str()) {
                match inline.or_else(|| args.next().cloned()) {
                    Some(value) => {
                        inputs.values.insert(key, value);
                    }
                    None => inputs.unrecognized.push(arg.clone()),
                }
            } else {
                inputs.flags.insert(key);
            }
        }
        inputs
    }

    /// A value input (name case-insensitive), if given and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Whether a flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name.to_ascii_lowercase())
    }
}

/// Whether an environment variable carries an input (and so is never passed to a child).
pub(crate) fn is_input_variable(name: &str) -> bool {
    name.get(..ENV_PREFIX.len())
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(ENV_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::{Inputs, is_input_variable};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn arguments_win_over_variables() {
        let vars = vec![
            ("VSTS_AGENT_INPUT_URL".to_owned(), "https://env".to_owned()),
            ("vsts_agent_input_Token".to_owned(), "t0ken".to_owned()),
            ("VSTS_AGENT_INPUT_REPLACE".to_owned(), "TRUE".to_owned()),
            ("PATH".to_owned(), "/bin".to_owned()),
        ];
        let args = strings(&["--unattended", "--url", "https://arg", "--Pool=ci", "stray"]);
        let inputs = Inputs::parse(&args, vars);
        assert_eq!(inputs.get("url"), Some("https://arg"));
        assert_eq!(inputs.get("TOKEN"), Some("t0ken"));
        assert_eq!(inputs.get("pool"), Some("ci"));
        assert!(inputs.flag("unattended"));
        assert!(inputs.flag("replace"));
        assert!(!inputs.flag("once"));
        assert_eq!(inputs.unrecognized, ["stray"]);
        assert!(is_input_variable("Vsts_Agent_Input_token"));
        assert!(!is_input_variable("VSTS_AGENT"));
    }
}
