//! The steps of a multi-step task (learn.microsoft.com "ACR Tasks reference: YAML"): the
//! `steps` list, each step a `cmd`, `build` or `push`. The emulator reads the subset it
//! executes, line by line (no YAML library in the emulator): `steps:` at the top level, items
//! `- cmd: <image> [args]`, `- build: <docker build args>`, `- push: [a, b]` or `- push:` with
//! an indented list, each item's other properties (`id`, `when`, `env`, ...) skipped. Aliases
//! are substituted as ACR does: `{{.Run.ID}}` and `$ID`, `{{.Run.Registry}}` and `$Registry`,
//! `{{.Values.<name>}}` (also written `{{ .Values.<name> }}`, as the Azure CLI's `--cmd` template
//! does).

/// One step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// `cmd`: an image and its arguments.
    Cmd { image: String, args: Vec<String> },
    /// `build`: the `docker build` arguments.
    Build(String),
    /// `push`: the images.
    Push(Vec<String>),
}

/// What the aliases stand for.
pub(super) struct Aliases<'a> {
    pub run_id: &'a str,
    pub registry: &'a str,
    pub values: &'a [(String, Option<String>)],
}

impl Aliases<'_> {
    /// `text` with the aliases replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text
            .replace("{{.Run.ID}}", self.run_id)
            .replace("{{.Run.Registry}}", self.registry)
            .replace("$Registry", self.registry)
            .replace("$ID", self.run_id);
        for (name, value) in self.values {
            let value = value.as_deref().unwrap_or("***");
            out = out
                .replace(&format!("{{{{.Values.{name}}}}}"), value)
                .replace(&format!("{{{{ .Values.{name} }}}}"), value);
        }
        out
    }
}

/// A scalar without its quotes.
fn unquote(text: &str) -> &str {
    let text = text.trim();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
        .unwrap_or(text)
}

/// Splits a command line on spaces, keeping quoted parts together.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ' | '\t') => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            (_, c) => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The indentation of `line`.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The steps of `yaml`; the error is the line the run's log shows.
pub(super) fn steps(yaml: &str, aliases: &Aliases<'_>) -> Result<Vec<Step>, String> {
    let text = aliases.apply(yaml);
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .collect();
    let start = lines
        .iter()
        .position(|line| indent(line) == 0 && line.trim_end() == "steps:")
        .ok_or("the task has no 'steps:'")?;
    let mut steps = Vec::new();
    let mut index = start + 1;
    let mut item_indent = None;
    while index < lines.len() {
        let line = lines[index];
        if indent(line) == 0 {
            break;
        }
        let Some(item) = line.trim_start().strip_prefix("- ") else {
            index += 1;
            continue;
        };
        let this_indent = indent(line);
        if item_indent.is_some_and(|i| i != this_indent) {
            index += 1;
            continue;
        }
        item_indent = Some(this_indent);
        let (key, value) = item
            .split_once(':')
            .ok_or_else(|| format!("step {} is not a 'key: value'", steps.len() + 1))?;
        let value = unquote(value);
        let step = match key.trim() {
            "cmd" => {
                let mut parts = words(value);
                if parts.is_empty() {
                    return Err(format!("step {} has an empty cmd", steps.len() + 1));
                }
                let image = parts.remove(0);
                Step::Cmd { image, args: parts }
            }
            "build" => Step::Build(value.to_owned()),
            "push" if value.starts_with('[') => Step::Push(
                value
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|image| unquote(image).to_owned())
                    .filter(|image| !image.is_empty())
                    .collect(),
            ),
            "push" if value.is_empty() => {
                let mut images = Vec::new();
                while let Some(next) = lines.get(index + 1) {
                    let Some(image) = next
                        .trim_start()
                        .strip_prefix("- ")
                        .filter(|_| indent(next) > this_indent)
                    else {
                        break;
                    };
                    images.push(unquote(image).to_owned());
                    index += 1;
                }
                Step::Push(images)
            }
            "push" => Step::Push(vec![value.to_owned()]),
            other => {
                return Err(format!(
                    "step {} has an unknown type '{other}' (expected cmd, build or push)",
                    steps.len() + 1
                ));
            }
        };
        steps.push(step);
        index += 1;
    }
    if steps.is_empty() {
        return Err("the task has no steps".to_owned());
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::{Aliases, Step, steps};

    fn aliases() -> Aliases<'static> {
        Aliases {
            run_id: "ca7",
            registry: "r.azurecr.io",
            values: &[],
        }
    }

    #[test]
    fn the_documented_step_types_are_read() {
        let yaml = "version: v1.1.0\nsteps:\n  # build it\n  - build: -t $Registry/hello:{{.Run.ID}} .\n    id: build\n  - cmd: $Registry/hello:$ID echo \"hi there\"\n    when: [\"build\"]\n  - push:\n    - $Registry/hello:{{.Run.ID}}\n  - push: [\"a:1\", 'b:2']\n";
        let steps = steps(yaml, &aliases()).unwrap();
        assert_eq!(steps[0], Step::Build("-t r.azurecr.io/hello:ca7 .".into()));
        assert_eq!(
            steps[1],
            Step::Cmd {
                image: "r.azurecr.io/hello:ca7".into(),
                args: vec!["echo".into(), "hi there".into()]
            }
        );
        assert_eq!(steps[2], Step::Push(vec!["r.azurecr.io/hello:ca7".into()]));
        assert_eq!(steps[3], Step::Push(vec!["a:1".into(), "b:2".into()]));
    }

    #[test]
    fn bad_tasks_say_why() {
        assert!(steps("version: v1\n", &aliases()).unwrap_err().contains("no 'steps:'"));
        assert!(
            steps("steps:\n  - run: x\n", &aliases())
                .unwrap_err()
                .contains("unknown type 'run'")
        );
        assert!(steps("steps:\n", &aliases()).unwrap_err().contains("no steps"));
    }
}
