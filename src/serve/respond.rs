//! One HTTP request: route it, read its body within the limits, send it to the engine as an
//! [`ExternalCall`], and turn the simulated outcome (or why there is none) into a response
//! with a small JSON body and the `x-eventloom-trace` header.

use super::{Shared, routes::Route};
use crate::host::{ExternalCall, ExternalRefusal, ExternalReply, PortError};
use crate::model::NodeId;
use crate::sim::{BODY_PREVIEW_CHARS, InjectError};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde::Serialize;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::oneshot;

/// The header that carries a response's trace id (`none` when the request never entered the
/// graph).
pub const TRACE_HEADER: &str = "x-eventloom-trace";
/// The header that carries the simulated latency, µs (on answers from the simulation).
pub const LATENCY_HEADER: &str = "x-eventloom-simulated-us";

/// The response type of every request.
pub(super) type Reply = Response<Full<Bytes>>;

/// A simulated answer's body.
#[derive(Serialize)]
struct Answer<'a> {
    status: u16,
    outcome: &'a str,
    api: &'a str,
    trace: u64,
    simulated_latency_ms: f64,
    nodes: &'a [NodeId],
}

/// The body of a response the simulation did not make.
#[derive(Serialize)]
struct Problem<'a> {
    status: u16,
    error: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    routes: Option<Vec<&'a Route>>,
}

/// Answers one request (never fails: every problem is a response).
pub(super) async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Reply, Infallible> {
    let started = Instant::now();
    let reply = answer(req, &shared, started).await;
    shared.stats.count(reply.status().as_u16());
    Ok(reply)
}

async fn answer(req: Request<Incoming>, shared: &Shared, started: Instant) -> Reply {
    let routes = shared.routes.borrow().clone();
    let path = req.uri().path();
    let Some(route) = routes.find(path) else {
        let error = format!("no API at {path}; the routes are listed below");
        return problem(StatusCode::NOT_FOUND, &error, Some(routes.iter().collect()));
    };
    // The engine cuts it for the log.
    let line = format!("{} {}", req.method(), req.uri());
    let api = route.api.clone();
    let limit = shared.options.body_limit;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let deadline = started + shared.options.request_timeout;
    let body = Limited::new(req.into_body(), limit).collect();
    let body = match tokio::time::timeout_at(deadline.into(), body).await {
        Err(_) => {
            return problem(
                StatusCode::REQUEST_TIMEOUT,
                "the request body did not arrive in time",
                None,
            );
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return too_large(limit),
        Ok(Err(_)) => return problem(StatusCode::BAD_REQUEST, "malformed request body", None),
        Ok(Ok(b)) => b.to_bytes(),
    };
    let (tx, rx) = oneshot::channel();
    let call = ExternalCall {
        api,
        line,
        body_bytes: body.len(),
        body_preview: preview(&body),
        reply: tx,
    };
    match shared.port.try_send(call) {
        Ok(()) => {}
        Err(PortError::Full(_)) => {
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "the engine is busy: too many requests wait for it",
                None,
            );
        }
        Err(PortError::Closed(_)) => {
            return problem(StatusCode::SERVICE_UNAVAILABLE, "the run has stopped", None);
        }
    }
    let mut stop = shared.stop.clone();
    tokio::select! {
        a = rx => match a {
            Ok(Ok(reply)) => {
                let response = simulated(&reply, route);
                shared.stats.simulated(&reply, started.elapsed(), response.status().as_u16());
                response
            }
            Ok(Err(refusal)) => refused(&refusal),
            Err(_) => problem(StatusCode::SERVICE_UNAVAILABLE, "the run has stopped", None),
        },
        () = super::stopping(&mut stop) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping; the request was still in flight",
            None,
        ),
        () = tokio::time::sleep_until(deadline.into()) => {
            let error = format!(
                "no simulated answer within {} s of wall time",
                shared.options.request_timeout.as_secs_f64()
            );
            problem(StatusCode::GATEWAY_TIMEOUT, &error, None)
        }
    }
}

/// The response to a request the simulation answered.
fn simulated(reply: &ExternalReply, route: &Route) -> Reply {
    let status = reply.status.http_status();
    let body = Answer {
        status,
        outcome: reply.status.describe(),
        api: route.api.as_str(),
        trace: reply.trace,
        simulated_latency_ms: reply.latency as f64 / 1_000.0,
        nodes: &reply.nodes,
    };
    let mut r = json(status, &body);
    r.headers_mut()
        .insert(TRACE_HEADER, HeaderValue::from(reply.trace));
    r.headers_mut()
        .insert(LATENCY_HEADER, HeaderValue::from(reply.latency));
    r
}

/// Why the engine did not take the request.
fn refused(refusal: &ExternalRefusal) -> Reply {
    let status = match refusal {
        ExternalRefusal::Inject(InjectError::UnknownApi(_)) => StatusCode::NOT_FOUND,
        ExternalRefusal::Paused
        | ExternalRefusal::Finished
        | ExternalRefusal::Reset
        | ExternalRefusal::Inject(InjectError::Busy(_)) => StatusCode::SERVICE_UNAVAILABLE,
    };
    problem(status, &refusal.to_string(), None)
}

fn too_large(limit: usize) -> Reply {
    let error = format!("the body is larger than the limit of {limit} bytes");
    problem(StatusCode::PAYLOAD_TOO_LARGE, &error, None)
}

/// A response the simulation did not make (`x-eventloom-trace: none`).
pub(super) fn problem(status: StatusCode, error: &str, routes: Option<Vec<&Route>>) -> Reply {
    let body = Problem {
        status: status.as_u16(),
        error,
        routes,
    };
    let mut r = json(status.as_u16(), &body);
    r.headers_mut()
        .insert(TRACE_HEADER, HeaderValue::from_static("none"));
    r
}

fn json(status: u16, body: &impl Serialize) -> Reply {
    let mut bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    bytes.push(b'\n');
    let mut r = Response::new(Full::new(Bytes::from(bytes)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// The first bytes of a body as one line of text for the log (control characters become
/// spaces; invalid UTF-8 becomes �).
pub fn preview(body: &[u8]) -> String {
    let head = &body[..body.len().min(BODY_PREVIEW_CHARS)];
    String::from_utf8_lossy(head)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview(b""), "");
        assert_eq!(preview(b"{\"a\":\n1}"), "{\"a\": 1}");
        assert_eq!(preview(&[b'x'; 500]).len(), BODY_PREVIEW_CHARS);
        assert_eq!(preview(&[0xff, b'a']), "\u{fffd}a");
    }
}
