#!/usr/bin/env node
// pnpm bench: dheera_ai and the SDK measured against baselines, in one run, against one fake Azure
// upstream on loopback. See docs/benchmarks.md for what is measured and how to read it.
//
//   pnpm bench                     build, then everything (about 3 minutes)
//   pnpm --filter @dheera/bench bench -- --quick            shorter cases, for a smoke run
//   ... -- --update-docs            also rewrite the results block of docs/benchmarks.md
//   ... -- --profile                profile (node --cpu-prof) the cases that miss a target
//   ... -- --report bench/results.json [--update-docs]   print (and write into the docs) a saved run
//   ... -- --duration 5 --warmup 1 --connections 32 --rate 1000 --rate-streams 10 --streams 1000
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuMs } from "./lib/cpu.mjs";
import { loadCase } from "./lib/load.mjs";
import { openStreams } from "./lib/open-streams.mjs";
import { foreignCpu, waitForQuiet } from "./lib/machine-load.mjs";
import { installCleanup } from "./lib/processes.mjs";
import { profileCase } from "./lib/profile-case.mjs";
import { evaluateTargets, markdownReport, printReport } from "./lib/report.mjs";
import { mb, watchRss } from "./lib/rss.mjs";
import { sdkCost } from "./lib/sdk-cost.mjs";
import {
  API_VERSION,
  AZURE_KEY,
  DEPLOYMENT,
  INPUT,
  MASTER_KEY,
  ROOT,
  checkTarget,
  createBenchKey,
  startDheera,
  startFake,
  startPassthrough,
  targets,
  writeProxyConfig,
} from "./lib/setup.mjs";
import { round, summarize } from "./lib/stats.mjs";
import { measureTtfb } from "./lib/ttfb.mjs";
import { measureWsTtfb } from "./lib/ttfb-ws.mjs";

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, env, fallback) => {
  const i = argv.indexOf(`--${name}`);
  const v = i !== -1 ? argv[i + 1] : process.env[env];
  return v === undefined || v === "" ? fallback : Number(v);
};
const quick = flag("quick");
const settings = {
  durationS: option("duration", "BENCH_DURATION", quick ? 2 : 5),
  warmupS: option("warmup", "BENCH_WARMUP", quick ? 0.5 : 1),
  connections: option("connections", "BENCH_CONNECTIONS", 32),
  fixedRate: option("rate", "BENCH_RATE", 1000),
  fixedRateStreams: option("rate-streams", "BENCH_RATE_STREAMS", 10),
  fixedRateRounds: option("rate-rounds", "BENCH_RATE_ROUNDS", 3),
  ttfbRequests: option("ttfb-requests", "BENCH_TTFB_REQUESTS", quick ? 100 : 300),
  openStreams: option("streams", "BENCH_STREAMS", 1000),
  openStreamsHoldS: option("hold", "BENCH_HOLD", quick ? 1 : 3),
  sdkCalls: option("sdk-calls", "BENCH_SDK_CALLS", quick ? 400 : 2000),
  /** Seconds of unmeasured load per dheera_ai case before any is measured (its JIT at work counts as CPU). */
  jitWarmupS: option("jit-warmup", "BENCH_JIT_WARMUP", quick ? 1 : 2),
};
const updateDocs = flag("update-docs") || process.env.BENCH_UPDATE_DOCS === "1";
const profile = flag("profile") || process.env.BENCH_PROFILE === "1";

const reportOnly = argv.includes("--report") ? argv[argv.indexOf("--report") + 1] : undefined;
if (reportOnly) {
  // Prints (and with --update-docs writes into docs/benchmarks.md) a saved results file.
  const saved = JSON.parse(readFileSync(path.resolve(reportOnly), "utf8"));
  printReport(saved);
  if (updateDocs) writeDocs(saved);
  process.exit(0);
}

function writeDocs(res) {
  const docs = path.join(ROOT, "docs/benchmarks.md");
  const begin = "<!-- bench:results:begin -->";
  const end = "<!-- bench:results:end -->";
  let text;
  try {
    text = readFileSync(docs, "utf8");
  } catch {
    text = `# Benchmarks\n\n${begin}\n${end}\n`;
  }
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  const block = `${begin}\n${markdownReport(res)}\n${end}`;
  text = i !== -1 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text}\n${block}\n`;
  mkdirSync(path.dirname(docs), { recursive: true });
  writeFileSync(docs, text);
  process.stderr.write(`updated ${path.relative(process.cwd(), docs)}\n`);
}

installCleanup();
const started = Date.now();
const tmp = mkdtempSync(path.join(os.tmpdir(), "dheera-bench-"));
const log = (msg) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${msg}\n`);

function machine() {
  const cpus = os.cpus();
  let commit;
  let dirty;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
  } catch {
    // not a git checkout
  }
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    node: process.version,
    totalMemoryMB: Math.round(os.totalmem() / (1024 * 1024)),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    ...(commit ? { git: { commit, dirty } } : {}),
  };
}

const results = {
  schema: 1,
  date: new Date().toISOString(),
  command: "pnpm bench",
  machine: machine(),
  settings,
  cases: [],
  fixedRate: [],
  ttfb: [],
  openStreams: [],
  sdk: undefined,
  targets: [],
  profiles: [],
  problems: [],
  warnings: [],
};

log(`tmp and logs: ${tmp}`);
const quiet = await waitForQuiet({ log });
results.machine.busyBeforeStartPct = quiet.busyPct;
if (!quiet.quiet) {
  results.warnings.push(`the machine was ${quiet.busyPct}% busy with other work when the run started`);
  log(`still ${quiet.busyPct}% busy; measuring anyway (see foreign CPU per case)`);
}
const fake = await startFake(tmp);
const passthrough = await startPassthrough(tmp, fake.url);
const config = writeProxyConfig(tmp, fake.url, { router: true });
let dheera;
try {
  dheera = await startDheera(tmp, config);
} catch (err) {
  results.problems.push(`dheera_ai did not start: ${err.message.split("\n")[0]}`);
  log(`dheera_ai did not start; measuring the baselines only.\n${err.message}`);
}
log(`fake Azure ${fake.url}, pass-through ${passthrough.url}, dheera_ai ${dheera?.url ?? "(not running)"}`);
const virtualKey = dheera ? await createBenchKey(dheera.url) : undefined;
const T = targets({ upstream: fake.url, passthrough: passthrough.url, dheera: dheera?.url, virtualKey });
const pidOf = (t) => (t.kind === "a" ? undefined : t.kind === "b" ? passthrough.pid : dheera?.pid);
const usable = (t) => t.kind === "a" || t.kind === "b" || dheera !== undefined;

// Every target answers properly before any load.
for (const stream of [false, true]) {
  for (const t of [...Object.values(T.responses), ...Object.values(T.chat)]) {
    if (!usable(t)) continue;
    await checkTarget(t, stream);
  }
}

const modeName = (stream) => (stream ? "sse" : "json");
const caseId = (t, stream) => `${t.kind}-${t.api}-${modeName(stream)}`;

async function measureOnce(t, stream, extra) {
  const pid = pidOf(t);
  const watch = watchRss(pid);
  const cpu0 = pid ? cpuMs(pid) : undefined;
  const foreign = foreignCpu(() => [process.pid, fake.pid, passthrough.pid, dheera?.pid].filter(Boolean));
  const up0 = await fake.stats();
  const r = await loadCase({
    url: `${t.origin}${t.path}`,
    headers: t.headers,
    body: JSON.stringify(t.body(stream)),
    connections: settings.connections,
    duration: settings.durationS,
    warmup: settings.warmupS,
    ...extra,
  });
  const cpu1 = pid ? cpuMs(pid) : undefined;
  const rss = watch.stop();
  const other = foreign.stop();
  const up1 = await fake.stats();
  return {
    id: caseId(t, stream),
    kind: t.kind,
    api: t.api,
    stream,
    label: t.label,
    ...r,
    proxyCpuUsPerRequest: cpu0 !== undefined && cpu1 !== undefined && r.requests > 0 ? round(((cpu1 - cpu0) * 1000) / r.requests, 0) : undefined,
    peakRssMB: mb(rss.peak),
    // New upstream connections per 1,000 requests (warm-up included): ~0 when keep-alive works.
    upstreamConnectionsPer1k: round(((up1.connections - up0.connections) * 1000) / Math.max(1, up1.requests - up0.requests), 1),
    foreignCpuPct: other?.foreignPct,
    stealCpuPct: other?.stealPct,
  };
}

// Other work on the machine (a test suite, a build) distorts loopback numbers badly, so a case
// measured while other processes used >= NOISY % of the machine is measured again once it is
// quiet, within a retry budget that keeps the whole run bounded; the quietest attempt is kept.
const NOISY = 10;
let retryBudgetS = option("retry-budget", "BENCH_RETRY_BUDGET", 60);
async function measure(t, stream, extra) {
  let best;
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const r = await measureOnce(t, stream, extra);
    if (!best || (r.foreignCpuPct ?? 0) < (best.foreignCpuPct ?? 0)) best = { ...r, attempts: attempt };
    best.attempts = attempt;
    if ((best.foreignCpuPct ?? 0) < NOISY || attempt >= 3 || retryBudgetS <= 0) break;
    log(`  other processes used ${r.foreignCpuPct}% of the machine; measuring ${best.id} again when it is quiet`);
    const q = await waitForQuiet({ maxWaitS: Math.min(20, retryBudgetS) });
    retryBudgetS -= (Date.now() - started) / 1000 + (q.waitedS ?? 0);
  }
  if (best.errors || best.timeouts || best.non2xx) results.problems.push(`${best.id}: ${best.errors} errors, ${best.timeouts} timeouts, ${best.non2xx} non-2xx`);
  return best;
}

// 1. Throughput: closed loop, `connections` concurrent, as fast as each target answers.
const order = [
  ...["a", "b", "c", "d", "f", "g", "r"].map((k) => T.responses[k]).filter(Boolean),
  ...["a", "b", "e"].map((k) => T.chat[k]),
];
// 0. A fresh process spends its first seconds of load compiling its hot paths (V8's optimizing
// compiler runs on other threads, counted in its CPU): every dheera_ai case runs unmeasured
// first, so the first one measured does not pay for all of them. A proxy in service is warm.
if (dheera && settings.jitWarmupS > 0) {
  log(`JIT warm-up: every dheera_ai case ${settings.jitWarmupS} s, unmeasured`);
  for (const stream of [false, true]) {
    for (const t of order) {
      if (t.kind === "a" || t.kind === "b") continue;
      await loadCase({ url: `${t.origin}${t.path}`, headers: t.headers, body: JSON.stringify(t.body(stream)), connections: settings.connections, duration: settings.jitWarmupS, warmup: 0 });
    }
  }
}
for (const stream of [false, true]) {
  for (const t of order) {
    if (!usable(t)) continue;
    log(`throughput ${caseId(t, stream)}: ${t.label}, ${settings.connections} connections, ${settings.warmupS}+${settings.durationS} s`);
    results.cases.push(await measure(t, stream));
  }
}

// 2. Fixed rate: `fixedRate` req/s for the added p99. A p99 measured once moves with the minute
// it was taken in (other work on a shared machine) more than with the build, so the cases take
// turns in `fixedRateRounds` rounds and each case's latencies are pooled over its rounds: a noisy
// stretch then touches every case alike instead of one.
for (const stream of [false, true]) {
  const cases = ["a", "b", "c", "d", "r"].map((k) => T.responses[k]).filter((t) => t && usable(t));
  const rounds = cases.map(() => []);
  for (let round = 0; round < settings.fixedRateRounds; round++) {
    for (const [i, t] of cases.entries()) {
      log(`fixed rate ${caseId(t, stream)}: ${settings.fixedRate} req/s, round ${round + 1}/${settings.fixedRateRounds}`);
      rounds[i].push(
        await measureOnce(t, stream, {
          overallRate: settings.fixedRate,
          streams: settings.fixedRateStreams,
          duration: settings.durationS / settings.fixedRateRounds,
          warmup: round === 0 ? settings.warmupS : 0.5,
          keepSamples: true,
        }),
      );
    }
  }
  for (const parts of rounds) {
    const c = pooled(parts);
    if (c.errors || c.timeouts || c.non2xx) results.problems.push(`${c.id}: ${c.errors} errors, ${c.timeouts} timeouts, ${c.non2xx} non-2xx`);
    results.fixedRate.push({ ...c, rate: settings.fixedRate });
  }
}

/** One case measured in several rounds, as one: latencies pooled, counts added, peaks kept. */
function pooled(parts) {
  const sum = (f) => parts.reduce((acc, p) => acc + (f(p) ?? 0), 0);
  const max = (f) => parts.reduce((acc, p) => (f(p) === undefined ? acc : Math.max(acc ?? -Infinity, f(p))), undefined);
  const all = new Float64Array(sum((p) => p.samples.length));
  let at = 0;
  for (const p of parts) {
    all.set(p.samples, at);
    at += p.samples.length;
  }
  const requests = sum((p) => p.requests);
  const durationS = sum((p) => p.durationS);
  const cpuParts = parts.filter((p) => p.proxyCpuUsPerRequest !== undefined);
  const { samples: _samples, ...first } = parts[0];
  return {
    ...first,
    rounds: parts.length,
    requests,
    durationS,
    rps: round(requests / durationS, 1),
    errors: sum((p) => p.errors),
    timeouts: sum((p) => p.timeouts),
    non2xx: sum((p) => p.non2xx),
    latencyMs: summarize(all),
    roundP99Ms: parts.map((p) => p.latencyMs.p99),
    proxyCpuUsPerRequest: cpuParts.length ? round(cpuParts.reduce((acc, p) => acc + p.proxyCpuUsPerRequest * p.requests, 0) / Math.max(1, sum((p) => (p.proxyCpuUsPerRequest === undefined ? 0 : p.requests))), 0) : undefined,
    upstreamConnectionsPer1k: round(sum((p) => (p.upstreamConnectionsPer1k ?? 0) * p.requests) / Math.max(1, requests), 1),
    peakRssMB: max((p) => p.peakRssMB),
    foreignCpuPct: max((p) => p.foreignCpuPct),
    stealCpuPct: max((p) => p.stealCpuPct),
  };
}

// 3. Time to first byte of streams: sequential requests, one at a time.
for (const t of order) {
  if (!usable(t)) continue;
  log(`first byte ${caseId(t, true)}: ${settings.ttfbRequests} sequential streams`);
  const body = JSON.stringify(t.body(true));
  const f = foreignCpu(() => [process.pid, fake.pid, passthrough.pid, dheera?.pid].filter(Boolean));
  const r = await measureTtfb({ origin: t.origin, path: t.path, headers: t.headers, body, requests: settings.ttfbRequests, warmup: 50 });
  results.ttfb.push({ id: caseId(t, true), kind: t.kind, api: t.api, label: t.label, ...r, foreignCpuPct: f.stop()?.foreignPct });
}

// 3b. The same over WebSocket mode: one connection, sequential turns (issue 16: within 1 ms of SSE).
if (dheera) {
  const t = T.responses.c;
  log(`first byte c-responses-ws: ${settings.ttfbRequests} sequential turns on one WebSocket`);
  const f = foreignCpu(() => [process.pid, fake.pid, passthrough.pid, dheera?.pid].filter(Boolean));
  try {
    const { stream: _stream, ...create } = t.body(true);
    const r = await measureWsTtfb({ url: `${t.origin.replace(/^http/, "ws")}${t.path}`, headers: t.headers, event: { type: "response.create", ...create }, requests: settings.ttfbRequests, warmup: 50 });
    results.ttfb.push({ id: "c-responses-ws", kind: "c", api: "responses", label: "(c) dheera_ai /v1/responses over WebSocket", ...r, foreignCpuPct: f.stop()?.foreignPct });
  } catch (err) {
    f.stop();
    results.problems.push(`WebSocket first byte: ${err.message.split("\n")[0]}`);
  }
}

// 4. The SDK's responses() against a raw undici request, in this process, nothing else loaded.
log(`sdk: ${settings.sdkCalls} sequential calls each, responses() vs raw undici`);
try {
  const f = foreignCpu(() => [process.pid, fake.pid, passthrough.pid, dheera?.pid].filter(Boolean));
  results.sdk = await sdkCost({
    upstream: fake.url,
    apiKey: AZURE_KEY,
    apiVersion: API_VERSION,
    deployment: DEPLOYMENT,
    input: INPUT,
    calls: settings.sdkCalls,
    warmup: 100,
  });
  results.sdk.foreignCpuPct = f.stop()?.foreignPct;
} catch (err) {
  results.problems.push(`sdk: ${err.message}`);
  log(`sdk measurement failed: ${err.stack}`);
}

// 5. Many open streams, each on a fresh proxy process (so earlier load does not count).
await dheera?.stop();
await passthrough.stop();
const streamBody = (model) => JSON.stringify({ model, input: INPUT, stream: true });
const chatStreamBody = (model) => JSON.stringify({ model, messages: [{ role: "user", content: INPUT }], stream: true });
const proxyHeaders = { "content-type": "application/json", authorization: `Bearer ${MASTER_KEY}` };
const streamCases = [
  {
    kind: "b",
    label: "(b) pass-through proxy",
    start: () => startPassthrough(tmp, fake.url, "passthrough-streams"),
    path: `/slow/openai/responses?api-version=${API_VERSION}&drip_ms=500&drip_events=120`,
    headers: { "content-type": "application/json", "api-key": AZURE_KEY },
    body: streamBody(DEPLOYMENT),
  },
  { kind: "c", label: "(c) dheera_ai /v1/responses", start: () => startDheera(tmp, config, { name: "dheera_ai-streams-c" }), path: "/v1/responses", headers: proxyHeaders, body: streamBody("bench-responses-slow") },
  { kind: "d", label: "(d) dheera_ai chat bridge", start: () => startDheera(tmp, config, { name: "dheera_ai-streams-d" }), path: "/v1/chat/completions", headers: proxyHeaders, body: chatStreamBody("bench-bridge-slow") },
];
for (const s of streamCases) {
  if (s.kind !== "b" && !dheera) continue;
  log(`open streams ${s.kind}: ${settings.openStreams} concurrent streams held ${settings.openStreamsHoldS} s`);
  const proc = await s.start();
  try {
    await sleep(300);
    const f = foreignCpu(() => [process.pid, fake.pid, proc.pid].filter(Boolean));
    const r = await openStreams({
      pid: proc.pid,
      url: proc.url,
      path: s.path,
      headers: s.headers,
      body: s.body,
      count: settings.openStreams,
      holdMs: settings.openStreamsHoldS * 1000,
      upstreamStats: fake.stats,
    });
    if (r.failures || r.withFirstByte < r.streams) results.problems.push(`open streams ${s.kind}: ${r.failures} failed, ${r.withFirstByte}/${r.streams} got a first event`);
    if (r.upstreamLeftAfterClose) results.problems.push(`open streams ${s.kind}: ${r.upstreamLeftAfterClose} upstream streams still open after the clients left`);
    results.openStreams.push({
      kind: s.kind,
      label: s.label,
      ...r,
      idleRssMB: mb(r.idleRss),
      peakRssMB: mb(r.peakRss),
      heldRssMB: mb(r.heldRss),
      perStreamKB: r.perStreamBytes === undefined ? undefined : round(r.perStreamBytes / 1024, 1),
      foreignCpuPct: f.stop()?.foreignPct,
    });
  } finally {
    await proc.stop();
  }
}

results.targets = evaluateTargets(results);
const noisy = [
  ...results.cases.map((c) => [`throughput ${c.id}`, c.foreignCpuPct]),
  ...results.fixedRate.map((c) => [`fixed-rate ${c.id}`, c.foreignCpuPct]),
  ...results.ttfb.map((c) => [`first-byte ${c.id}`, c.foreignCpuPct]),
  ["sdk", results.sdk?.foreignCpuPct],
  // Memory, not time: only heavy outside load matters (opening 1,000 connections keeps kernel
  // threads busy, which counts as other work here).
  ...results.openStreams.map((c) => [`open-streams ${c.kind}`, c.foreignCpuPct >= 3 * NOISY ? c.foreignCpuPct : 0]),
].filter(([, pct]) => pct >= NOISY);
if (noisy.length > 0) {
  results.warnings.push(`other processes used >= ${NOISY}% of the machine during ${noisy.map(([id, pct]) => `${id} (${pct}%)`).join(", ")}: those numbers are unreliable, run again on a quiet machine`);
}

// 6. Optional: profile what missed a target.
if (profile && dheera) {
  const missed = new Set(results.targets.filter((t) => t.pass === false && t.profileCase).map((t) => t.profileCase));
  for (const id of missed) {
    log(`profiling ${id} (node --cpu-prof on dheera_ai)`);
    try {
      results.profiles.push(await profileCase({ id, logDir: tmp, upstream: fake, config, durationS: settings.durationS, connections: settings.connections }));
    } catch (err) {
      results.problems.push(`profile ${id}: ${err.message}`);
    }
  }
}

await fake.stop();
results.elapsedS = Math.round((Date.now() - started) / 1000);
printReport(results);

const out = path.join(ROOT, "bench/results.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
log(`wrote ${path.relative(process.cwd(), out) || out}`);
if (updateDocs) writeDocs(results);
for (const w of results.warnings) log(`warning: ${w}`);
if (results.problems.length > 0) {
  log(`problems:\n  ${results.problems.join("\n  ")}`);
  process.exitCode = 1;
}
process.exit();
