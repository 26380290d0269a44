// One load case with autocannon's programmatic API: a warm-up run, then the measured run.
//
// Latency: autocannon keeps latencies in a whole-millisecond histogram, too coarse for
// sub-millisecond differences, so every 2xx response time (a float, ms, from process.hrtime) is
// also recorded here from the `response` event and the percentiles come from those.
//
// Fixed rate: autocannon's `overallRate` gives every connection a budget per second, which it
// spends at once at the start of each second (a burst of back-to-back requests, then silence).
// To come closer to an even 1,000 req/s, the rate is split over `streams` autocannon instances,
// one connection each, started 1/streams of a second apart: their bursts take turns instead of
// piling up.
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { Samples, round, summarize } from "./stats.mjs";

function run(options, onResponse) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, pipelining: 1 }, (err, result) => (err ? reject(err) : resolve(result)));
    if (onResponse) instance.on("response", onResponse);
  });
}

async function runStaggered(base, duration, overallRate, streams, onResponse) {
  const each = overallRate / streams;
  const results = await Promise.all(
    Array.from({ length: streams }, async (_, i) => {
      await sleep((1000 / streams) * i);
      return run({ ...base, duration, connections: 1, overallRate: Math.round(each) }, onResponse);
    }),
  );
  const sum = (f) => results.reduce((acc, r) => acc + f(r), 0);
  return {
    duration: Math.max(...results.map((r) => r.duration)),
    // Each instance ran for its own `duration`, from its own start.
    rate: sum((r) => r.requests.total / r.duration),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    requests: { total: sum((r) => r.requests.total) },
    throughput: { total: sum((r) => r.throughput.total) },
  };
}

/**
 * @param {object} o
 * @param {string} o.url
 * @param {object} o.headers
 * @param {string} o.body
 * @param {number} o.connections  closed loop: concurrent connections
 * @param {number} o.duration     seconds measured
 * @param {number} o.warmup       seconds of warm-up before (not measured)
 * @param {number} [o.overallRate] fixed rate: requests per second in all
 * @param {number} [o.streams]     fixed rate: staggered one-connection instances (default 10)
 * @param {boolean} [o.keepSamples] also return every 2xx latency (ms), to pool several runs
 */
export async function loadCase(o) {
  const base = { url: o.url, method: "POST", headers: o.headers, body: o.body, timeout: 10 };
  const go = (duration, onResponse) =>
    o.overallRate
      ? runStaggered(base, duration, o.overallRate, o.streams ?? 10, onResponse)
      : run({ ...base, duration, connections: o.connections }, onResponse);
  if (o.warmup > 0) await go(o.warmup);
  const latencies = new Samples();
  const result = await go(o.duration, (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const ok = latencies.length;
  return {
    rps: round(result.rate ?? ok / result.duration, 1),
    requests: ok,
    durationS: result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latencyMs: summarize(latencies.values()),
    ...(o.keepSamples ? { samples: Float64Array.from(latencies.values()) } : {}),
    bytesPerResponse: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : undefined,
  };
}
