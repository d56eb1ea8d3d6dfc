//! The accept loop and the connections: a semaphore caps open connections (a small overflow
//! pool answers 503 and closes, anything beyond is closed at once), hyper serves each
//! connection with a header timeout that also closes idle keep-alive connections, and on
//! stop every connection is shut down gracefully within [`super::GRACE`].

use super::Shared;
use super::respond::{self, Reply};
use hyper::StatusCode;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connections over the cap that still get a 503 before they are closed.
const OVERFLOW: usize = 32;
/// How long the overflow pool waits for a request's headers.
const OVERFLOW_HEADER_TIMEOUT: Duration = Duration::from_secs(2);

/// Accepts connections until the server stops, then waits for them to finish.
pub(super) async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    let max = shared
        .options
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS);
    let open = Arc::new(Semaphore::new(max));
    let overflow = Arc::new(Semaphore::new(OVERFLOW));
    let mut stop = shared.stop.clone();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = super::stopping(&mut stop) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: let connections finish, then go on.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        shared.stats.connection();
        if let Ok(permit) = open.clone().try_acquire_owned() {
            tokio::spawn(serve(stream, shared.clone(), permit));
        } else {
            shared.stats.refused_connection();
            if let Ok(permit) = overflow.clone().try_acquire_owned() {
                tokio::spawn(refuse(stream, max, permit));
            }
        }
    }
    drop(listener);
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(super::GRACE, open.acquire_many(all)).await;
}

/// Serves one connection until it closes or the server stops.
async fn serve(stream: TcpStream, shared: Arc<Shared>, permit: OwnedSemaphorePermit) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(shared.options.header_timeout)
        .keep_alive(true);
    let mut stop = shared.stop.clone();
    let service = service_fn(move |req| respond::handle(req, shared.clone()));
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        () = super::stopping(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(super::GRACE, conn.as_mut()).await;
        }
    }
    drop(permit);
}

/// Answers every request on a connection over the cap with 503 and closes it.
async fn refuse(stream: TcpStream, max: usize, permit: OwnedSemaphorePermit) {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(OVERFLOW_HEADER_TIMEOUT)
        .keep_alive(false);
    let service = service_fn(move |_req| async move {
        let error = format!("too many open connections (the limit is {max}); try again");
        Ok::<Reply, std::convert::Infallible>(respond::problem(
            StatusCode::SERVICE_UNAVAILABLE,
            &error,
            None,
        ))
    });
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let _ = tokio::time::timeout(OVERFLOW_HEADER_TIMEOUT * 2, conn).await;
    drop(permit);
}
