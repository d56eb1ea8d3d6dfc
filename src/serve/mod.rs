//! `eventloom serve`: real HTTP requests into a live run. A loopback-only HTTP/1.1 server
//! (hyper) turns each request to `/<api id>/…` into an [`ExternalCall`](crate::host::ExternalCall)
//! at that HttpApi node, sent to the engine loop through the host's bounded [`ExternalPort`],
//! and answers when the simulated response completes. Its tasks run on the engine's own
//! runtime (the port carries it), so a request and its answer never wait for another thread
//! to wake. No client can stall the engine: the port refuses when full (503), the server caps
//! open connections, request bodies (413) and the time a request may take.
//!
//! ```no_run
//! # use eventloom::{host::{Host, HostCommand, HostOptions}, serve::{Server, ServeOptions}};
//! # let project = eventloom::model::Project::default();
//! let host = Host::spawn(&project, HostOptions::from_project(&project), Box::new(|| {}))?;
//! let server = Server::start(host.external_port(), &project, ServeOptions::default())?;
//! let _ = host.send(HostCommand::Play);
//! println!("listening on http://{}", server.addr());
//! let summary = server.stop(); // in-flight requests are answered 503
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod listen;
mod respond;
pub mod routes;
mod stats;

pub use respond::{LATENCY_HEADER, TRACE_HEADER, preview};
pub use routes::{Route, Routes};
pub use stats::{LatencySummary, ServeSummary};

use crate::host::ExternalPort;
use crate::model::{Arrival, NodeId, NodeKind, Project};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Largest request body accepted by default (1 MiB); larger ones are answered 413.
pub const BODY_LIMIT: usize = 1 << 20;
/// Open connections served at once by default.
pub const MAX_CONNECTIONS: usize = 256;
/// How long the server waits for connections to finish when it stops.
const GRACE: Duration = Duration::from_secs(2);

/// How the server listens and what it allows.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0: any free port; [`Server::addr`] tells which).
    pub port: u16,
    /// Open connections served at once; a few more get a 503 and are closed, the rest are
    /// closed at once.
    pub max_connections: usize,
    /// Largest request body, bytes.
    pub body_limit: usize,
    /// Longest a request may take in wall time (body, simulation, answer) before a 504.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request's headers; also how long an idle
    /// keep-alive connection stays open.
    pub header_timeout: Duration,
    /// Write each simulated answer's wall and simulated latency here (CSV), for benchmarks.
    pub latency_log: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            port: 8080,
            max_connections: MAX_CONNECTIONS,
            body_limit: BODY_LIMIT,
            request_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            latency_log: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The project has no HttpApi node.
    #[error("the project has no HTTP API to serve (add an HttpApi node)")]
    NoApi,
    /// The port is taken or not allowed.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the system said.
        source: std::io::Error,
    },
    /// The latency log cannot be created.
    #[error("cannot create the latency log: {source}: {}", path.display())]
    LatencyLog {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The operating system refused a thread.
    #[error("could not start the server thread: {0}")]
    Thread(std::io::Error),
}

/// What every request handler shares.
pub(crate) struct Shared {
    port: ExternalPort,
    routes: watch::Receiver<Arc<Routes>>,
    options: ServeOptions,
    stop: watch::Receiver<bool>,
    stats: Arc<stats::Stats>,
}

/// A running server; dropping it stops it like [`Server::stop`].
pub struct Server {
    addr: SocketAddr,
    routes: watch::Sender<Arc<Routes>>,
    stop: watch::Sender<bool>,
    stats: Arc<stats::Stats>,
    /// Disconnects when the accept loop has finished (or its runtime is gone).
    done: Option<std::sync::mpsc::Receiver<()>>,
}

impl Server {
    /// Listens on 127.0.0.1 (never another interface) and serves `project`'s HttpApi nodes
    /// through `port`: on the engine's runtime when the port carries one (a host's port
    /// does), otherwise on a thread of its own named `eventloom-serve`.
    pub fn start(
        port: ExternalPort,
        project: &Project,
        options: ServeOptions,
    ) -> Result<Server, ServeError> {
        let routes = Routes::of(project);
        if routes.is_empty() {
            return Err(ServeError::NoApi);
        }
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| ServeError::Bind {
                port: options.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ServeError::Bind {
            port: options.port,
            source,
        })?;
        let stats = Arc::new(stats::Stats::new(addr, options.latency_log.as_deref())?);
        let (routes_tx, routes_rx) = watch::channel(Arc::new(routes));
        let (stop_tx, stop_rx) = watch::channel(false);
        let runtime = port.runtime().cloned();
        let shared = Arc::new(Shared {
            port,
            routes: routes_rx,
            options,
            stop: stop_rx,
            stats: stats.clone(),
        });
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let serving = async move {
            listen::accept_loop(listener, shared).await;
            drop(done_tx);
        };
        if let Some(rt) = runtime {
            // Dropped unrun if the runtime is already gone: `done` then disconnects at once.
            drop(rt.spawn(serving));
        } else {
            std::thread::Builder::new()
                .name("eventloom-serve".to_owned())
                .spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_io()
                        .enable_time()
                        .build();
                    let Ok(rt) = rt else { return };
                    rt.block_on(serving);
                })
                .map_err(ServeError::Thread)?;
        }
        Ok(Server {
            addr,
            routes: routes_tx,
            stop: stop_tx,
            stats,
            done: Some(done_rx),
        })
    }

    /// The address it listens on (127.0.0.1 and the port, chosen by the system for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The routes served now.
    pub fn routes(&self) -> Arc<Routes> {
        self.routes.borrow().clone()
    }

    /// The URL of an API (`http://127.0.0.1:8080/orders-api/`), if it is served.
    pub fn url_of(&self, api: &NodeId) -> Option<String> {
        let routes = self.routes.borrow();
        routes
            .of_api(api)
            .map(|r| format!("http://{}{}/", self.addr, r.prefix))
    }

    /// Serves the APIs of `project` from now on (after the run was reset with it).
    pub fn set_project(&self, project: &Project) {
        self.routes.send_replace(Arc::new(Routes::of(project)));
    }

    /// Counts so far.
    pub fn summary(&self) -> ServeSummary {
        self.stats.summary()
    }

    /// Stops: no new connections; requests in flight are answered 503; connections get
    /// [`GRACE`] to finish. Returns the final counts.
    pub fn stop(mut self) -> ServeSummary {
        self.shut_down();
        self.stats.summary()
    }

    fn shut_down(&mut self) {
        self.stop.send_replace(true);
        if let Some(done) = self.done.take() {
            // The accept loop gives connections GRACE; a margin beyond it for the last writes.
            let _ = done.recv_timeout(GRACE + Duration::from_secs(1));
        }
        self.stats.flush_log();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Resolves once the server is told to stop (or its handle is gone).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is dropped here, before any other await.
    let _ = stop.wait_for(|&s| s).await;
}

/// `project` with its clients switched off (rate 0), so only real requests flow
/// (`serve --no-clients`). Schedules keep firing: they are part of the design, not load.
pub fn without_clients(project: &Project) -> Project {
    let mut p = project.clone();
    for node in p.graph.nodes.values_mut() {
        match &mut node.kind {
            NodeKind::Client(c) => c.arrival = Arrival::Constant { rate_per_s: 0.0 },
            NodeKind::Function(_)
            | NodeKind::HttpApi(_)
            | NodeKind::Schedule(_)
            | NodeKind::Bucket(_)
            | NodeKind::Table(_)
            | NodeKind::Topic(_)
            | NodeKind::Queue(_) => {}
        }
    }
    p
}
