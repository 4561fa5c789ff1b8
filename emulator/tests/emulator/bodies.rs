//! Request bodies: JSON and form routes read at most 4 MiB (413 beyond, declared or sent), the
//! admin sink streams a body of any size, and the journal records sizes, never content.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use hyper_util::rt::TokioIo;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Harness;

const MIB: usize = 1024 * 1024;

/// A body of `chunks` chunks of `chunk` bytes each, sent chunked (no `Content-Length`) unless
/// `declared`.
struct Chunks {
    left: usize,
    chunk: Bytes,
    declared: bool,
}

impl Chunks {
    fn new(chunks: usize, chunk: usize, declared: bool) -> Chunks {
        Chunks {
            left: chunks,
            chunk: Bytes::from(vec![b'x'; chunk]),
            declared,
        }
    }
}

impl Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }

    fn size_hint(&self) -> SizeHint {
        if self.declared {
            SizeHint::with_exact((self.left * self.chunk.len()) as u64)
        } else {
            SizeHint::default()
        }
    }
}

/// Sends `body` to `{admin}{path}` with `method` over plain HTTP/1.1 (hyper's client, so that
/// the body can be chunked); status and JSON answer.
async fn send(h: &Harness, method: &str, path: &str, token: Option<&str>, body: Chunks) -> (u16, Value) {
    let address = h.info().endpoints.admin.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", &address);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = sender.send_request(request.body(body).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_admin_sink_streams_a_body_of_any_size() {
    let h = Harness::start().await;
    let token = h.emulator.admin_token().to_owned();
    // 40 MiB, chunked: ten times the limit of a JSON route.
    let (status, answer) = send(&h, "PUT", "/sink", Some(&token), Chunks::new(640, 64 * 1024, false)).await;
    assert_eq!((status, answer), (200, json!({ "bytes": 40 * MIB })));
    let (status, answer) = send(&h, "PUT", "/sink/", Some(&token), Chunks::new(3, 1000, true)).await;
    assert_eq!((status, answer), (200, json!({ "bytes": 3000 })));
    let (status, answer) = send(&h, "PUT", "/sink", Some(&token), Chunks::new(0, 1, false)).await;
    assert_eq!((status, answer), (200, json!({ "bytes": 0 })));
    // Without the admin token nothing is read.
    let (status, _) = send(&h, "PUT", "/sink", None, Chunks::new(16, 64 * 1024, true)).await;
    assert_eq!(status, 401);
    let (status, _) = send(&h, "POST", "/sink", Some(&token), Chunks::new(1, 10, true)).await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn json_routes_refuse_more_than_4_mib() {
    let h = Harness::start().await;
    let token = h.emulator.admin_token().to_owned();
    // Declared: refused before the body is read; sent chunked: refused once past the limit.
    for declared in [true, false] {
        let (status, _) = send(&h, "PUT", "/faults", Some(&token), Chunks::new(65, 64 * 1024, declared)).await;
        assert_eq!(status, 413, "declared: {declared}");
    }
    // At the limit, the body is read and parsed (and is not JSON).
    let (status, answer) = send(&h, "PUT", "/faults", Some(&token), Chunks::new(64, 64 * 1024, true)).await;
    assert_eq!(status, 400, "{answer}");

    let arm_token = h.token().await;
    let huge = format!(
        "{{\"location\":\"eastus\",\"tags\":{{\"a\":\"{}\"}}}}",
        "x".repeat(4 * MIB)
    );
    let reply = h
        .send(
            Method::PUT,
            &format!("{}{}", h.info().endpoints.arm, h.rg_path("rg-huge")),
            &[
                ("authorization", &format!("Bearer {arm_token}")),
                ("content-type", "application/json"),
            ],
            Some(huge),
        )
        .await;
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn the_journal_records_body_sizes_not_bodies() {
    let h = Harness::start().await;
    let token = h.token().await;
    let body = json!({ "location": "eastus", "tags": { "secret-looking": "body-content-never-journaled" } });
    let reply = h
        .arm(Method::PUT, &h.rg_path("rg-sized"), &token, Some(body.clone()))
        .await;
    assert!(reply.status == 200 || reply.status == 201, "{}", reply.text);
    let journal = h.emulator.control().journal();
    let put = journal.iter().find(|e| e.method == "PUT").unwrap();
    assert_eq!(put.request_bytes, body.to_string().len() as u64);
    let get = journal.first().unwrap();
    assert!(get.request_bytes > 0, "the token request's form");
    let text = serde_json::to_string(&journal).unwrap();
    assert!(!text.contains("body-content-never-journaled"));
    assert!(text.contains("\"request_bytes\""));
}
