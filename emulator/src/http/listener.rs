//! Accepting connections (plain or TLS) and serving HTTP/1.1 with keep-alive until shutdown.

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::{Family, pipeline};
use crate::shared::Shared;

/// How long open connections may finish their requests after shutdown is asked.
const GRACE: Duration = Duration::from_secs(5);
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `family` on `listener` until `shutdown` turns true (or its sender is dropped), with at
/// most `max_connections` connections open at once: further ones wait in the operating system's
/// backlog until one closes.
pub(crate) async fn run<F: Family>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    family: Arc<F>,
    shared: Arc<Shared>,
    max_connections: usize,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(max_connections.clamp(1, Semaphore::MAX_PERMITS)));
    let mut connections = JoinSet::new();
    loop {
        let slot = tokio::select! {
            () = stopped(&mut shutdown) => break,
            slot = Arc::clone(&slots).acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        tokio::select! {
            () = stopped(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let served = connection(
                        stream,
                        tls.clone(),
                        Arc::clone(&family),
                        Arc::clone(&shared),
                        shutdown.clone(),
                    );
                    connections.spawn(async move {
                        served.await;
                        drop(slot);
                    });
                }
                Err(error) => {
                    tracing::warn!(listener = %F::KIND, %error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drained = tokio::time::timeout(GRACE, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(listener = %F::KIND, "connections still open after the grace period");
    }
}

async fn connection<F: Family>(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    family: Arc<F>,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    match tls {
        None => serve_http(stream, family, shared, shutdown).await,
        Some(acceptor) => match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
            Ok(Ok(stream)) => serve_http(stream, family, shared, shutdown).await,
            Ok(Err(error)) => tracing::debug!(listener = %F::KIND, %error, "TLS handshake failed"),
            Err(_) => tracing::debug!(listener = %F::KIND, "TLS handshake timed out"),
        },
    }
}

async fn serve_http<I, F>(io: I, family: Arc<F>, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    F: Family,
{
    let service = service_fn(move |request| pipeline::serve(Arc::clone(&family), Arc::clone(&shared), request));
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).keep_alive(true);
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(listener = %F::KIND, %error, "connection ended");
            }
        }
        () = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Resolves when shutdown is asked (or the emulator is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
