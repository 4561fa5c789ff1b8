//! Turning Azure DevOps answers into values or errors.

use crate::error::Error;
use arm_core::ArmResponse;
use arm_core::azure_core::http::headers::{HeaderName, Headers};
use arm_core::azure_core::http::{Method, StatusCode, Url};
use arm_core::url_without_query;
use serde::Deserialize;

/// Azure DevOps' error envelope (`{"$id", "innerException", "message", "typeName", "typeKey",
/// "errorCode", "eventId"}`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    message: Option<String>,
    type_key: Option<String>,
}

/// The response if it is a usable success, else the error it means. A 203 (Azure DevOps'
/// answer to a request it could not authenticate, with a sign-in page) and an HTML page where
/// JSON was asked for count as authentication failures.
pub(crate) fn check(response: ArmResponse) -> Result<ArmResponse, Error> {
    let status = u16::from(response.status());
    if (200..300).contains(&status) && status != 203 && !is_html(response.headers()) {
        Ok(response)
    } else {
        Err(error_from(
            response.method(),
            response.url(),
            response.status(),
            response.headers(),
            response.body(),
        ))
    }
}

/// The error an unsuccessful response (`status`, `headers`, `body`) means.
pub(crate) fn error_from(method: Method, url: &Url, status: StatusCode, headers: &Headers, body: &[u8]) -> Error {
    let status = u16::from(status);
    let envelope: Option<Envelope> = serde_json::from_slice(body).ok();
    let (message, type_key) = match envelope {
        Some(Envelope { message, type_key }) => (message, type_key),
        None => (None, None),
    };
    let text = message.clone().unwrap_or_else(|| body_start(status, body));
    let method_name = method.to_string();
    let url_text = url_without_query(url);
    match status {
        401 | 203 => Error::Unauthorized {
            method: method_name,
            url: url_text,
            status,
        },
        200..=299 => Error::Unauthorized {
            method: method_name,
            url: url_text,
            status,
        },
        403 => Error::Forbidden {
            method: method_name,
            url: url_text,
            message: text,
        },
        404 => Error::NotFound {
            what: format!("{method_name} {url_text}"),
            message,
        },
        _ => Error::Service {
            method: method_name,
            url: url_text,
            status,
            type_key,
            message: text,
            activity_id: ["activityid", "x-vss-e2eid", "x-tfs-session"]
                .into_iter()
                .find_map(|name| arm_core::header(headers, &HeaderName::from_static(name)))
                .map(str::to_owned),
        },
    }
}

fn is_html(headers: &Headers) -> bool {
    arm_core::header(headers, &HeaderName::from_static("content-type"))
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/html"))
}

/// The start of a non-JSON body, on one line.
fn body_start(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        format!("HTTP {status}")
    } else {
        line.chars().take(300).collect()
    }
}
