//! A 200 MB request body through the emulator, streamed: `PUT /sink` of the admin API (the
//! generic upload path Blob uploads will use) on the `az-emulator` binary running as a child
//! process, over plain HTTP/1.1, in 64 KiB chunks without `Content-Length`. Criterion reports the
//! throughput; afterwards the child's peak RSS (`VmHWM` of `/proc/<pid>/status`) is printed and
//! must stay under 64 MB, so that no layer buffers the body.
//!
//! The bench builds the `az-emulator` binary first (`cargo build --profile bench -p az-emulator
//! --bin az-emulator`, a no-op when it is up to date), with the cargo that runs it.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use benches::emulator_process::EmulatorProcess;
use bytes::Bytes;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use hyper_util::rt::TokioIo;

/// Size of the upload.
const UPLOAD: u64 = 200_000_000;
/// Size of each chunk sent.
const CHUNK: usize = 64 * 1024;
/// Most the emulator's resident set may reach, in kB.
const MAX_RSS_KB: u64 = 64 * 1024;

/// `len` bytes in chunks of one shared buffer (no copy, no Content-Length: chunked).
struct Upload {
    left: u64,
    chunk: Bytes,
}

impl Body for Upload {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let take = self.left.min(self.chunk.len() as u64) as usize;
        self.left -= take as u64;
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..take)))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

/// Uploads `UPLOAD` bytes to `PUT {admin}/sink` on a fresh connection; the bytes it counted.
async fn upload(address: &str, token: &str, chunk: &Bytes) -> u64 {
    let stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    let request = hyper::Request::put("/sink")
        .header("host", address)
        .header("authorization", format!("Bearer {token}"))
        .body(Upload {
            left: UPLOAD,
            chunk: chunk.clone(),
        })
        .expect("a request");
    let response = sender.send_request(request).await.expect("an answer");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the answer's body")
        .to_bytes();
    let answer: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    answer["bytes"].as_u64().expect("bytes")
}

fn emulator_upload(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let emulator = EmulatorProcess::start(None);
    let address = emulator.info().endpoints.admin.trim_start_matches("http://").to_owned();
    let token = emulator.info().admin_token.clone();
    let chunk = Bytes::from(vec![0x5a; CHUNK]);
    let at_start = emulator.vm_hwm_kb();

    let mut group = c.benchmark_group("emulator_upload");
    group.throughput(Throughput::Bytes(UPLOAD));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("put_200_mb_to_the_admin_sink", |b| {
        b.iter(|| {
            let counted = runtime.block_on(upload(&address, &token, &chunk));
            assert_eq!(counted, UPLOAD);
        })
    });
    group.finish();

    let peak = emulator.vm_hwm_kb();
    println!(
        "az-emulator peak RSS (VmHWM): {peak} kB after the uploads ({at_start} kB after start); limit {MAX_RSS_KB} kB"
    );
    drop(emulator);
    assert!(
        peak < MAX_RSS_KB,
        "the emulator's peak RSS {peak} kB is over {MAX_RSS_KB} kB: something buffers the body"
    );
}

criterion_group!(benches, emulator_upload);
criterion_main!(benches);
