//! The run request of `scheduleRun` (`RunRequest` and its four kinds: `DockerBuildRequest`,
//! `EncodedTaskRunRequest`, `FileTaskRunRequest`, `TaskRunRequest`), read and checked into
//! what the run executes. Secret arguments and values are never kept: the emulator runs
//! nothing that needs them, and a run must not reveal them.
//!
//! The checks the specification states (required `type`, `dockerFilePath`, `platform` with
//! `os`, `encodedTaskContent`, `taskFilePath`, `taskId`; `timeout` 300 to 28800) answer ARM's
//! 400 `InvalidRequestContent`. Where ACR's own errors are not documented, the emulator's
//! choices (each a 400 `BadRequest` naming the input, the rule and what is expected): a
//! `DockerBuildRequest` or `FileTaskRunRequest` without `sourceLocation` (the CLI always sends
//! one); an `encodedTaskContent` that is not base64 of UTF-8 text.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use crate::arm::body::{self, converting, required};
use crate::arm::error::ArmError;
use crate::model::acr::run::{TaskYaml, Work};

/// The default `timeout` (seconds) and its bounds (`DockerBuildRequest.timeout` in the spec).
const DEFAULT_TIMEOUT: i64 = 3600;
const MIN_TIMEOUT: i64 = 300;
const MAX_TIMEOUT: i64 = 28_800;

/// Where a request's source is, before it is resolved against the Blob service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum SourceLocation {
    /// None given, or `/dev/null`.
    None,
    /// A relative path from `listBuildSourceUploadUrl`.
    Relative(String),
    /// An absolute URL (a blob SAS URL, or a Git repository).
    Url(String),
}

/// What a request asks for, before its source and task are resolved.
#[derive(Clone, Debug)]
pub(super) struct RunRequest {
    /// `agentPoolName`.
    pub agent_pool: Option<String>,
    pub is_archive_enabled: bool,
    pub kind: Kind,
}

/// The kinds of request.
#[derive(Clone, Debug)]
pub(super) enum Kind {
    /// A `DockerBuildRequest`, an `EncodedTaskRunRequest` or a `FileTaskRunRequest`: the work
    /// (its source still to resolve), where the source is, the platform, agent configuration
    /// and timeout.
    Quick {
        work: Box<Work>,
        source: SourceLocation,
        platform: Value,
        agent_configuration: Option<Value>,
        timeout: Duration,
    },
    /// A `TaskRunRequest`: the task (name or resource id) and `overrideTaskStepProperties`.
    Task {
        task: String,
        overrides: Map<String, Value>,
    },
}

/// Reads the body of `scheduleRun`.
pub(super) fn parse(body: &Map<String, Value>) -> Result<RunRequest, ArmError> {
    let kind_name = body::string_at(body, "type", "")?.ok_or_else(|| required("type", ""))?;
    let agent_pool = body::string_at(body, "agentPoolName", "")?.map(str::to_owned);
    let is_archive_enabled = bool_at(body, "isArchiveEnabled", "")?.unwrap_or(false);
    let kind = match kind_name {
        "DockerBuildRequest" => {
            let dockerfile =
                body::string_at(body, "dockerFilePath", "")?.ok_or_else(|| required("dockerFilePath", ""))?;
            let image_names = body::array_at(body, "imageNames", "")?
                .iter()
                .map(|name| {
                    name.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| converting(name, "System.String", "imageNames"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let work = Work::DockerBuild {
                source: crate::model::acr::run::Source::None,
                dockerfile: dockerfile.to_owned(),
                image_names,
                push: bool_at(body, "isPushEnabled", "")?.unwrap_or(true),
                target: body::string_at(body, "target", "")?.map(str::to_owned),
            };
            quick(body, work, kind_name, true)?
        }
        "EncodedTaskRunRequest" => {
            let encoded =
                body::string_at(body, "encodedTaskContent", "")?.ok_or_else(|| required("encodedTaskContent", ""))?;
            let yaml = decode_task(encoded)?;
            let work = Work::Steps {
                source: crate::model::acr::run::Source::None,
                yaml: TaskYaml::Inline(yaml),
                values: [values(body)?, encoded_values(body)?].concat(),
            };
            quick(body, work, kind_name, false)?
        }
        "FileTaskRunRequest" => {
            let file = body::string_at(body, "taskFilePath", "")?.ok_or_else(|| required("taskFilePath", ""))?;
            let work = Work::Steps {
                source: crate::model::acr::run::Source::None,
                yaml: TaskYaml::File(file.to_owned()),
                values: values(body)?,
            };
            quick(body, work, kind_name, true)?
        }
        "TaskRunRequest" => {
            let task = body::string_at(body, "taskId", "")?.ok_or_else(|| required("taskId", ""))?;
            let overrides = match body.get("overrideTaskStepProperties") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(map)) => map.clone(),
                Some(other) => {
                    return Err(converting(
                        other,
                        "OverrideTaskStepProperties",
                        "overrideTaskStepProperties",
                    ));
                }
            };
            Kind::Task {
                task: task.to_owned(),
                overrides,
            }
        }
        other => {
            return Err(body::invalid_content(&format!(
                "The run request type '{other}' is not supported. Expected one of DockerBuildRequest, EncodedTaskRunRequest, FileTaskRunRequest, TaskRunRequest. Path 'type'."
            )));
        }
    };
    Ok(RunRequest {
        agent_pool,
        is_archive_enabled,
        kind,
    })
}

/// The common part of the three quick requests.
fn quick(body: &Map<String, Value>, work: Work, kind: &str, needs_source: bool) -> Result<Kind, ArmError> {
    let platform = platform(body, "platform")?;
    let source = source_location(body::string_at(body, "sourceLocation", "")?);
    if needs_source && source == SourceLocation::None {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!(
                "sourceLocation is required for a {kind}: give the relativePath answered by listBuildSourceUploadUrl, or the URL of a tar.gz of the build context."
            ),
        ));
    }
    Ok(Kind::Quick {
        work: Box::new(work),
        source,
        platform,
        agent_configuration: body.get("agentConfiguration").filter(|v| !v.is_null()).cloned(),
        timeout: timeout(body.get("timeout"), "timeout")?,
    })
}

/// A `sourceLocation` (or a task's `contextPath`).
pub(super) fn source_location(raw: Option<&str>) -> SourceLocation {
    match raw.map(str::trim) {
        None | Some("" | "/dev/null") => SourceLocation::None,
        Some(url) if url.contains("://") => SourceLocation::Url(url.to_owned()),
        Some(relative) => SourceLocation::Relative(relative.trim_start_matches('/').to_owned()),
    }
}

/// `platform` at `path`: required, an object with `os` `Linux` or `Windows` (any case).
pub(super) fn platform(body: &Map<String, Value>, key: &str) -> Result<Value, ArmError> {
    let platform = body::object_at(body, key, "")?;
    let os = body::string_at(platform, "os", key)?.ok_or_else(|| required("os", key))?;
    if !["linux", "windows"].contains(&os.to_ascii_lowercase().as_str()) {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!("{key}.os '{os}' is not supported: expected Linux or Windows."),
        ));
    }
    Ok(Value::Object(platform.clone()))
}

/// `timeout` (seconds): 300 to 28800, 3600 when absent.
pub(super) fn timeout(value: Option<&Value>, path: &str) -> Result<Duration, ArmError> {
    let seconds = match value {
        None | Some(Value::Null) => DEFAULT_TIMEOUT,
        Some(value) => value.as_i64().ok_or_else(|| converting(value, "System.Int32", path))?,
    };
    if !(MIN_TIMEOUT..=MAX_TIMEOUT).contains(&seconds) {
        return Err(ArmError::bad_request(
            "BadRequest",
            format!("{path} {seconds} is out of range: a run timeout is 300 to 28800 seconds."),
        ));
    }
    Ok(Duration::from_secs(seconds.unsigned_abs()))
}

/// The boolean at `key`, if present.
fn bool_at(body: &Map<String, Value>, key: &str, path: &str) -> Result<Option<bool>, ArmError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(converting(other, "System.Boolean", &body::join(path, key))),
    }
}

/// `values`: the names and values of those not secret, the names only of secret ones.
pub(super) fn values(body: &Map<String, Value>) -> Result<Vec<(String, Option<String>)>, ArmError> {
    body::array_at(body, "values", "")?
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let path = format!("values[{index}]");
            let entry = entry.as_object().ok_or_else(|| converting(entry, "SetValue", &path))?;
            let name = body::string_at(entry, "name", &path)?.ok_or_else(|| required("name", &path))?;
            let value = body::string_at(entry, "value", &path)?.ok_or_else(|| required("value", &path))?;
            let secret = bool_at(entry, "isSecret", &path)?.unwrap_or(false);
            Ok((name.to_owned(), (!secret).then(|| value.to_owned())))
        })
        .collect()
}

/// `encodedValuesContent`: the values file `az acr run --cmd` sends (base64 of a YAML mapping
/// of top-level `name: value` lines; the emulator reads those, quotes removed, and skips the
/// rest).
pub(super) fn encoded_values(body: &Map<String, Value>) -> Result<Vec<(String, Option<String>)>, ArmError> {
    let Some(encoded) = body::string_at(body, "encodedValuesContent", "")? else {
        return Ok(Vec::new());
    };
    let text = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            ArmError::bad_request(
                "BadRequest",
                "encodedValuesContent is not valid: expected the values' YAML encoded in base64.",
            )
        })?;
    Ok(text
        .lines()
        .filter(|line| !line.starts_with([' ', '\t', '#', '-']))
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), Some(unquote_scalar(value.trim()))))
        .collect())
}

/// A YAML scalar without its quotes (`"..."` with `\"` and `\\` escapes, or `'...'` with `''`).
fn unquote_scalar(text: &str) -> String {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return inner.replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    text.to_owned()
}

/// The YAML of `encodedTaskContent`: base64 of UTF-8 text.
pub(super) fn decode_task(encoded: &str) -> Result<String, ArmError> {
    STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            ArmError::bad_request(
                "BadRequest",
                "encodedTaskContent is not valid: expected the task's YAML encoded in base64.",
            )
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Kind, SourceLocation, parse, source_location};

    fn body(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn the_examples_requests_parse() {
        let docker = parse(&body(json!({
            "type": "DockerBuildRequest", "dockerFilePath": "Dockerfile", "imageNames": ["a:b"],
            "platform": { "os": "Linux" }, "sourceLocation": "source/1/x.tar.gz", "agentPoolName": "p"
        })))
        .unwrap();
        assert_eq!(docker.agent_pool.as_deref(), Some("p"));
        assert!(matches!(
            docker.kind,
            Kind::Quick {
                source: SourceLocation::Relative(_),
                ..
            }
        ));
        let task = parse(&body(json!({ "type": "TaskRunRequest", "taskId": "myTask" }))).unwrap();
        assert!(matches!(task.kind, Kind::Task { .. }));
    }

    #[test]
    fn bad_requests_name_their_input() {
        let missing = parse(&body(
            json!({ "type": "DockerBuildRequest", "platform": { "os": "Linux" } }),
        ));
        assert!(missing.unwrap_err().message.contains("dockerFilePath"));
        let no_source = parse(&body(json!({
            "type": "DockerBuildRequest", "dockerFilePath": "Dockerfile", "platform": { "os": "Linux" }
        })));
        assert!(no_source.unwrap_err().message.contains("sourceLocation"));
        let short = parse(&body(json!({
            "type": "EncodedTaskRunRequest", "encodedTaskContent": "c3RlcHM6", "platform": { "os": "Linux" }, "timeout": 10
        })));
        assert!(short.unwrap_err().message.contains("timeout 10"));
        let bad = parse(&body(
            json!({ "type": "EncodedTaskRunRequest", "encodedTaskContent": "!!", "platform": { "os": "Linux" } }),
        ));
        assert!(bad.unwrap_err().message.contains("encodedTaskContent"));
        assert_eq!(source_location(Some("/dev/null")), SourceLocation::None);
    }
}
