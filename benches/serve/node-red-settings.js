// Node-RED 4 settings for the serve benchmark (BENCHMARKS.md): listen on loopback only, log
// warnings only, no editor or admin API (nothing but the benchmark's flow is served).
module.exports = {
    uiHost: "127.0.0.1",
    flowFile: "flows.json",
    httpAdminRoot: false,
    logging: { console: { level: "warn", metrics: false, audit: false } },
};
