//! The emulator's admin API (plain HTTP on 127.0.0.1), for what a pipeline would do in Azure
//! DevOps: queue a job, read its result, list the pool's agents.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long one admin request may take, connection to last byte.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest admin response read.
const MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// A client of the admin endpoint `http://127.0.0.1:PORT`.
pub struct Admin {
    address: String,
    /// The emulator's admin token, sent as `Authorization: Bearer <token>`.
    token: String,
    pool_path: String,
    org: String,
}

impl Admin {
    /// A client of the admin API at `endpoint` with the emulator's `token`, for pool `pool` of
    /// organization `org`.
    pub fn new(endpoint: &str, token: &str, org: &str, pool: &str) -> Admin {
        Admin {
            address: endpoint.trim_start_matches("http://").trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            pool_path: format!("/devops/{org}/pools/{pool}"),
            org: org.to_owned(),
        }
    }

    /// Queues a job running `command`; its request id.
    pub async fn queue_job(&self, command: &str) -> Result<i64, String> {
        let body = serde_json::json!({ "command": command, "name": "deploy" });
        let queued = self
            .call("POST", &format!("{}/jobs", self.pool_path), Some(body))
            .await?;
        queued["requestId"]
            .as_i64()
            .ok_or_else(|| format!("no requestId in {queued}"))
    }

    /// A job request: `state`, `result`, `agentName`.
    pub async fn job(&self, id: i64) -> Result<Value, String> {
        self.call("GET", &format!("/devops/{}/jobs/{id}", self.org), None).await
    }

    /// The pool's agents.
    pub async fn agents(&self) -> Result<Vec<Value>, String> {
        let listed = self.call("GET", &format!("{}/agents", self.pool_path), None).await?;
        Ok(listed["value"].as_array().cloned().unwrap_or_default())
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            self.token,
            body.len()
        );
        let exchange = async {
            let mut stream = TcpStream::connect(&self.address).await?;
            stream.write_all(request.as_bytes()).await?;
            let mut response = Vec::new();
            stream.take(MAX_RESPONSE).read_to_end(&mut response).await?;
            Ok::<_, std::io::Error>(response)
        };
        let response = tokio::time::timeout(TIMEOUT, exchange)
            .await
            .map_err(|_| format!("{method} {path}: no complete answer within {TIMEOUT:?}"))?
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.lines().next().unwrap_or_default();
        if !status
            .split_whitespace()
            .nth(1)
            .is_some_and(|code| code.starts_with('2'))
        {
            return Err(format!("{method} {path}: {status} {body}"));
        }
        // An HTTP/1.0 request gets a body that is neither chunked nor kept alive.
        Ok(serde_json::from_str(body).unwrap_or(Value::Null))
    }
}
