//! API gateway behaviour: the account's token bucket shared by every API and each API's own
//! (stage) limit (429), forwarding to its integration, a Lambda throttle answered as 500,
//! integration timeout (504), and the caller's end-to-end latency.

use super::engine::{Caller, Ev, Fail, Simulation};
use super::log::Failure;
use super::slab::Key;
use super::time::{SEC, Time, from_ms, from_ms_f64};
use super::timers::TimerList;
use super::trace::SpanKind;
use crate::model::{ApiFlavor, EdgeKind, HttpApiParams};

/// A token bucket: `burst` requests at once, refilled at a steady rate.
#[derive(Clone, Debug)]
pub(crate) struct TokenBucket {
    tokens: f64,
    burst: f64,
    per_us: f64,
    last: Time,
}

impl TokenBucket {
    /// A full bucket of `burst` tokens refilled at `rate_per_s`.
    pub(crate) fn new(rate_per_s: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            tokens: burst,
            burst,
            per_us: rate_per_s / SEC as f64,
            last: 0,
        }
    }

    /// Refills up to `now` (within `cap`, at `per_us`) and says whether a token is there.
    #[inline(always)]
    fn refill(&mut self, now: Time, per_us: f64, cap: f64) -> bool {
        // (Elapsed µs through i64: one conversion instruction where u64 needs several.)
        let elapsed = (now - self.last).min(i64::MAX as u64) as i64 as f64;
        self.tokens = (self.tokens + elapsed * per_us).min(cap);
        self.last = now;
        self.tokens >= 1.0
    }
}

/// An API's runtime state.
#[derive(Debug)]
pub struct ApiState {
    tokens: f64,
    burst: f64,
    per_us: f64,
    last: Time,
    timeout: Time,
    overhead: Time,
    price: f64,
    http: bool,
    timers: TimerList<Key>,
    /// The synchronous integration (first sync edge out), if any.
    sync_target: Option<usize>,
    /// Whether it has service integrations (writes out).
    writes: bool,
}

impl ApiState {
    /// Bytes its storage holds (for the run's memory budget).
    pub(crate) fn bytes(&self) -> u64 {
        self.timers.bytes()
    }

    /// Requests waiting on their integration or latency (cancelled timers may be included
    /// until they are skipped).
    pub(crate) fn pending(&self) -> u64 {
        self.timers.len() as u64
    }

    pub(crate) fn new(p: &HttpApiParams, topo: &super::topology::Topology, node: usize) -> Self {
        let out = &topo.out[node];
        Self {
            sync_target: out
                .iter()
                .copied()
                .find(|&e| matches!(topo.edges[e].kind, EdgeKind::SyncInvoke)),
            writes: out
                .iter()
                .any(|&e| matches!(topo.edges[e].kind, EdgeKind::Write)),
            tokens: f64::from(p.burst.max(1)),
            burst: f64::from(p.burst.max(1)),
            per_us: p.rate_limit_rps / SEC as f64,
            last: 0,
            timeout: from_ms(p.integration_timeout_ms),
            overhead: from_ms_f64(p.overhead_ms),
            price: 0.0,
            http: p.flavor == ApiFlavor::Http,
            timers: TimerList::default(),
        }
    }
}

/// A request in progress at an API.
#[derive(Debug)]
pub(crate) struct ApiReq {
    api: usize,
    msg: Key,
    prev: Caller,
    start: Time,
    span: Option<u32>,
    trace: u64,
    /// No integration waits: answer OK when the gateway's own latency has passed.
    write_only: bool,
}

impl Simulation {
    /// A request arrives at API `a`.
    #[inline(never)]
    pub(crate) fn api_receive(&mut self, a: usize, m: Key) {
        let now = self.now;
        let (rest, http) = (self.topo.unit.rest_request, self.topo.unit.http_request);
        let outage = self.faults.node(a).outage;
        let throttle = self.faults.node(a).throttle;
        let Some(st) = self.apis[a].as_mut() else {
            return;
        };
        st.price = if st.http { http } else { rest };
        // A throttle fault lowers the rate limit and the burst to its value (0 refuses all).
        let (per_us, cap) = match throttle {
            Some(r) => (
                st.per_us.min(f64::from(r) / SEC as f64),
                st.burst.min(f64::from(r)),
            ),
            None => (st.per_us, st.burst),
        };
        // (Elapsed µs through i64: one conversion instruction where u64 needs several.)
        let elapsed = (now - st.last).min(i64::MAX as u64) as i64 as f64;
        st.tokens = (st.tokens + elapsed * per_us).min(cap);
        st.last = now;
        let (timeout, overhead, price, sync_target, writes) =
            (st.timeout, st.overhead, st.price, st.sync_target, st.writes);
        // A request needs a token from its API's (stage) bucket and from the account's,
        // which every API shares.
        let acct = &mut self.api_account;
        let limited = st.tokens < 1.0 || !acct.refill(now, acct.per_us, acct.burst);
        if !limited {
            st.tokens -= 1.0;
            acct.tokens -= 1.0;
        }
        self.stats[a].invocation();
        if limited || outage {
            self.api_refuse(a, m, limited, price);
            return;
        }
        self.stats[a].bill(price);
        if writes {
            self.api_writes(a, m, overhead);
        }
        let req = self.open_request(a, m, now, sync_target.is_none());
        let deadline = now + overhead + if sync_target.is_some() { timeout } else { 0 };
        if let Some(at) = self.apis[a]
            .as_mut()
            .and_then(|st| st.timers.push(deadline, req))
        {
            self.schedule(at, Ev::ApiTimers(a as u32));
        }
        if let Some(e) = sync_target {
            // Through the edge like any send, so its faults act (drop, delay, duplicate).
            self.send_after_own_latency(e, m, overhead);
        }
    }

    /// API `a` refuses request `m`: rate-limited (429; not billed), or down (billed, 5xx).
    #[inline(never)]
    fn api_refuse(&mut self, a: usize, m: Key, limited: bool, price: f64) {
        if limited {
            self.stats[a].throttle();
            self.refusal_seen(a, m, Failure::RateLimited);
            self.reply(m, Err(Fail::Rejected));
        } else {
            self.stats[a].bill(price);
            self.stats[a].error();
            self.refusal_seen(a, m, Failure::Unavailable);
            self.reply(m, Err(Fail::Unavailable));
        }
    }

    /// API `a`'s service integrations for request `m` (writes to a queue, topic, table or
    /// bucket), each after the gateway's latency.
    #[inline(never)]
    fn api_writes(&mut self, a: usize, m: Key, overhead: Time) {
        for i in 0..self.topo.out[a].len() {
            let e = self.topo.out[a][i];
            if matches!(self.topo.edges[e].kind, EdgeKind::Write) {
                let child = self.new_child(Some(m), Caller::None, e as u32);
                self.send_after(e, child, overhead);
            }
        }
    }

    fn open_request(&mut self, a: usize, m: Key, now: Time, write_only: bool) -> Key {
        let (prev, trace, parent) = self
            .msgs
            .get(m)
            .map_or((Caller::None, 0, None), |x| (x.caller, x.trace, x.span));
        let span = if trace != 0 {
            self.traces.open(trace, a, SpanKind::Request, now, parent)
        } else {
            None
        };
        self.stats[a].in_flight += 1;
        let req = self.api_reqs.insert(ApiReq {
            api: a,
            msg: m,
            prev,
            start: now,
            span,
            trace,
            write_only,
        });
        if let Some(msg) = self.msgs.get_mut(m) {
            msg.caller = Caller::Api(req);
            if span.is_some() {
                msg.span = span;
            }
        }
        req
    }

    /// The integration answered (or timed out).
    pub(crate) fn api_reply(&mut self, req: Key, m: Key, result: Result<(), Fail>) {
        let Some(r) = self.api_reqs.remove(req) else {
            return;
        };
        let latency = self.now - r.start;
        // Lambda's 429 reaches the client as API Gateway's 500.
        let result = match result {
            Err(Fail::Throttled) => Err(Fail::Internal),
            Ok(()) => Ok(()),
            Err(
                f @ (Fail::Error
                | Fail::Timeout
                | Fail::Rejected
                | Fail::Unavailable
                | Fail::Lost
                | Fail::Loop
                | Fail::Internal),
            ) => Err(f),
        };
        let s = &mut self.stats[r.api];
        s.in_flight = s.in_flight.saturating_sub(1);
        match result {
            Ok(()) => s.completion(latency),
            Err(Fail::Rejected) => {
                s.throttle();
                s.record_latency(latency);
            }
            Err(
                Fail::Error
                | Fail::Timeout
                | Fail::Unavailable
                | Fail::Lost
                | Fail::Loop
                | Fail::Throttled
                | Fail::Internal,
            ) => {
                s.error();
                s.record_latency(latency);
            }
        }
        match result {
            Ok(()) => self.traces.close(r.trace, r.span, self.now, false),
            Err(fail) => self.api_failed(&r, fail),
        }
        if let Some(msg) = self.msgs.get_mut(m) {
            msg.caller = r.prev;
        }
        self.reply(m, result);
    }

    /// Request `r` of an API failed because its integration did: the request span says
    /// why, and so does a log line (within the per-second cap) with the status it answered.
    #[cold]
    fn api_failed(&mut self, r: &ApiReq, fail: Fail) {
        let why = fail.why();
        self.traces.close_failed(r.trace, r.span, self.now, why);
        if fail == Fail::Timeout {
            return; // logged where the integration timeout fired
        }
        let status = match fail {
            Fail::Throttled | Fail::Rejected => "429",
            Fail::Internal => "500",
            Fail::Lost => "502",
            Fail::Unavailable => "503",
            Fail::Error | Fail::Timeout | Fail::Loop => "502",
        };
        self.log_failure(r.api, why, r.trace, || {
            if fail == Fail::Internal {
                "request failed: 500 — Lambda throttled the integration (429), which API \
                 Gateway answers as 500"
                    .to_owned()
            } else {
                format!(
                    "request failed: {status} from the integration ({})",
                    why.label()
                )
            }
        });
    }

    /// The API's due timers fire.
    pub(crate) fn api_timers(&mut self, a: usize) {
        let now = self.now;
        while let Some(req) = self.apis[a].as_mut().and_then(|st| st.timers.pop_due(now)) {
            self.api_timeout(req);
        }
        let reqs = &self.api_reqs;
        if let Some(at) = self.apis[a]
            .as_mut()
            .and_then(|st| st.timers.rearm(|r| reqs.get(*r).is_some()))
        {
            self.schedule(at, Ev::ApiTimers(a as u32));
        }
    }

    /// The integration timeout fired (504), or a write-only request's latency elapsed (200).
    fn api_timeout(&mut self, req: Key) {
        let Some(r) = self.api_reqs.get(req) else {
            return;
        };
        let (a, m, write_only) = (r.api, r.msg, r.write_only);
        if write_only {
            self.api_reply(req, m, Ok(()));
            return;
        }
        let trace = self.msgs.get(m).map_or(0, |x| x.trace);
        self.log_failure(a, Failure::Timeout, trace, || {
            "integration timeout (504): the integration did not answer in time".to_owned()
        });
        self.stats[a].timeouts += 1;
        self.api_reply(req, m, Err(Fail::Timeout));
    }
}
