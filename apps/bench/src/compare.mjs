#!/usr/bin/env node
// A/B comparison of two builds of dheera_ai under the same load, interleaved, in one run:
//   pnpm --filter @dheera/bench compare -- --base /path/to/other/checkout [--cases c-json,d-sse] [--rounds 3] [--duration 3]
//   ... --cases mem-c,mem-d [--streams 1000]   peak RSS with that many open streams, a fresh process per build and round
//   ... --input-kb 100                          the open streams' requests carry that much input (a long conversation, a Codex turn)
//   ... --rate 1000                             fixed rate instead of closed loop: p50 / p99 latency per build and (b)
//   ... --workers 2                             this checkout also as `dheera_ai --num_workers 2` (x2): CPU per request over all its processes
//   ... --warm 3                                seconds each process runs a case unmeasured before the rounds (12 with --workers)
//   ... --pin                                   proxies on CPU 1, this script and the fake upstream on CPU 0 (taskset; not with --workers)
//   ... --portkey /path/to/@portkey-ai/gateway  Portkey's gateway as one more build (JSON cases; installed by you, see lib/portkey.mjs)
//   ... --node-args "--max-semi-space-size=8"   node options for this checkout's dheera_ai only (a V8 setting against the same build as --base)
// The other checkout must be built (pnpm install && pnpm build there). Without --base, only
// this checkout's dheera_ai is measured against the pass-through (b).
//
// Why: on a small shared machine, the same build's requests/s moves 15-25 % from one run to the
// next, more than most single fixes change it. Measuring both builds and (b) in turns, a few
// rounds, and reporting the median of each round's ratio to (b) is what makes a 5-10 % change
// visible. CPU per request (all threads of the process, /proc) is printed too.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { groupCpuMs as cpuMs, pinToCpu } from "./lib/cpu.mjs";
import { startPortkey } from "./lib/portkey.mjs";
import { loadCase } from "./lib/load.mjs";
import { openStreams } from "./lib/open-streams.mjs";
import { installCleanup, startNode } from "./lib/processes.mjs";
import { API_VERSION, AZURE_KEY, DEPLOYMENT, INPUT, MASTER_KEY, SLOW_QUERY, cleanEnv, createBenchKey, startDheera, startFake, startPassthrough, targets, writeProxyConfig } from "./lib/setup.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const basePath = opt("base");
const cases = opt("cases", "c-json,c-sse,d-json,d-sse").split(",");
const rounds = Number(opt("rounds", "3"));
const duration = Number(opt("duration", "3"));
const rate = opt("rate") === undefined ? undefined : Number(opt("rate"));
/** With `--workers N`, this checkout also runs as `dheera_ai --num_workers N` (CPU counted over its processes). */
const workers = opt("workers") === undefined ? undefined : Number(opt("workers"));
/**
 * Seconds each process runs a case, unmeasured, before the rounds: until V8 has compiled the hot
 * path (a JIT still compiling in the background counts as CPU per request). Workers of
 * --num_workers each see a share of the load and compile their own code, so they get longer.
 */
const warm = Number(opt("warm", workers ? "12" : "3"));
const pin = process.argv.includes("--pin");
const thisNodeArgs = opt("node-args", "").split(" ").filter(Boolean);
if (pin && workers) throw new Error("--pin and --workers: the workers need both cores");

installCleanup();
const tmp = mkdtempSync(path.join(os.tmpdir(), "dheera-compare-"));
const fake = await startFake(tmp);
const passthrough = await startPassthrough(tmp, fake.url);
if (pin) {
  pinToCpu(process.pid, 0);
  pinToCpu(fake.pid, 0);
  pinToCpu(passthrough.pid, 1);
}
// An older build (--base) may not know the router settings; cases f and r need them (a base
// without them fails to start, which says so).
const config = writeProxyConfig(tmp, fake.url, { router: !basePath || cases.some((id) => /^[fr]-/.test(id)) });
const builds = [{ name: "this", start: (name = "dheera_ai") => startDheera(tmp, config, { name, nodeArgs: thisNodeArgs }) }];
if (basePath) builds.push({ name: "base", start: (name = "dheera_ai-base") => startBase(path.resolve(basePath), name) });
const portkeyPath = opt("portkey");
if (portkeyPath) builds.push({ name: "pk", portkey: true, start: (name = "portkey") => startPortkey(path.resolve(portkeyPath), { logDir: tmp, upstream: fake.url, name }) });
if (workers) {
  // Its own folder, so its workers share one spend database, as a deployment's would.
  const dir = path.join(tmp, "workers");
  mkdirSync(dir);
  const workersConfig = writeProxyConfig(dir, fake.url, { router: true });
  builds.push({ name: `x${workers}`, workers, start: (name = `dheera_ai-${workers}-workers`) => startDheera(dir, workersConfig, { name, args: ["--num_workers", String(workers)] }) });
}
const streamCases = cases.filter((id) => id.startsWith("mem-"));
const loadCases = cases.filter((id) => !id.startsWith("mem-"));
if (loadCases.length) for (const b of builds) b.proc = await b.start();
if (pin) for (const b of builds) if (b.proc) pinToCpu(b.proc.pid, 1);
// Cases g and r need a virtual key; a build without them skips them.
if (loadCases.some((id) => /^[gr]-/.test(id))) for (const b of builds) if (!b.portkey) b.virtualKey = await createBenchKey(b.proc.url);
// A key made on one worker reaches the others through the shared database (their key caches poll it).
for (const b of builds) if (b.workers && b.virtualKey) await untilAccepted(b.proc.url, b.virtualKey);

async function untilAccepted(url, key) {
  const deadline = Date.now() + 15_000;
  for (let ok = 0; ok < 20; ) {
    const res = await request(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    await res.body.dump();
    ok = res.statusCode === 200 ? ok + 1 : 0;
    if (Date.now() > deadline) throw new Error("the virtual key was not accepted by every worker within 15 s");
  }
}

/** The other checkout's CLI, with its own @dheera/* packages (the config's folder decides which provider loads). */
async function startBase(root, name) {
  const dir = path.join(tmp, "base");
  if (!existsSync(dir)) {
    mkdirSync(dir);
    copyFileSync(config, path.join(dir, "config.yaml"));
    symlinkSync(path.join(root, "apps/bench/node_modules"), path.join(dir, "node_modules"), "dir");
  }
  const p = await startNode({
    name,
    script: path.join(root, "packages/proxy/dist/cli.js"),
    args: ["--config", path.join(dir, "config.yaml"), "--port", "0", "--host", "127.0.0.1"],
    cwd: dir,
    env: cleanEnv(),
    logDir: tmp,
    ready: /RUNNING on (http:\/\/\S+)/,
  });
  return { ...p, url: p.match[1] };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const targetOf = (url, kind, virtualKey) => targets({ upstream: fake.url, passthrough: passthrough.url, dheera: url, virtualKey }).responses[kind];
/** What a build is asked in case `kind`: Portkey answers every case with its own pass-through. */
const buildTarget = (build, kind, stream) => (build.proc.target ? build.proc.target(stream) : targetOf(build.proc.url, kind, build.virtualKey));

async function measure(t, stream, pid, warmS = rate ? 1 : 0.5) {
  const load = (seconds) =>
    loadCase({ url: `${t.origin}${t.path}`, headers: t.headers, body: JSON.stringify(t.body(stream)), connections: 32, duration: seconds, warmup: 0, ...(rate ? { overallRate: rate } : {}) });
  await load(warmS); // warm-up, not counted in the CPU either
  if (warmS === 0) return undefined;
  const c0 = cpuMs(pid);
  const r = await load(duration);
  return { rps: r.rps, p50: r.latencyMs.p50, p99: r.latencyMs.p99, cpuUs: ((cpuMs(pid) - c0) * 1000) / Math.max(1, r.requests), bad: r.errors + r.non2xx };
}

console.log(`${rounds} rounds of ${duration} s per case${rate ? ` at ${rate} req/s` : ""}; ratios are to (b) measured in the same round. Logs: ${tmp}`);
for (const id of loadCases) {
  const [kind, mode] = id.split("-");
  const stream = mode === "sse";
  const rows = builds.map((b) => ({ name: b.name, ratio: [], cpu: [], p50: [], p99: [], bad: 0 }));
  const passRow = { name: "(b)", p50: [], p99: [], cpuB: [] };
  // A process's first seconds of a case run slower (the JIT is still compiling its path): each
  // one runs the case unmeasured first, so round 1 is not a warm-up for whoever goes first.
  for (const [t, pid] of [[targetOf(passthrough.url, "b"), passthrough.pid], ...builds.map((b) => [buildTarget(b, kind, stream), b.proc.pid])]) {
    if (t) await measure(t, stream, pid, warm);
  }
  for (let round = 0; round < rounds; round++) {
    const b = await measure(targetOf(passthrough.url, "b"), stream, passthrough.pid);
    passRow.p50.push(b.p50);
    passRow.p99.push(b.p99);
    passRow.cpuB.push(b.cpuUs);
    // The builds take turns going first.
    const order = builds.map((_, i) => (i + round) % builds.length);
    for (const i of order) {
      const build = builds[i];
      const target = buildTarget(build, kind, stream);
      if (!target) continue;
      const m = await measure(target, stream, build.proc.pid);
      rows[i].ratio.push(m.rps / b.rps);
      rows[i].cpu.push(m.cpuUs);
      rows[i].p50.push(m.p50);
      rows[i].p99.push(m.p99);
      rows[i].bad += m.bad;
    }
  }
  if (rate) {
    for (const r of [passRow, ...rows]) {
      console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  at ${rate} req/s: p50 median ${median(r.p50).toFixed(2)} ms  p99 median ${median(r.p99).toFixed(2)} ms [${r.p99.map((x) => x.toFixed(2)).join(" ")}]${(r.cpu ?? r.cpuB)?.length ? `  CPU ${Math.round(median(r.cpu ?? r.cpuB))} us/req` : ""}${r.bad ? `  (${r.bad} errors or non-2xx)` : ""}`);
    }
    continue;
  }
  const passCpu = median(passRow.cpuB);
  console.log(`${id.padEnd(7)} (b)   CPU ${Math.round(passCpu)} us/req`);
  for (const r of rows) {
    if (r.ratio.length === 0) {
      console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  (not supported by this build)`);
      continue;
    }
    const ratios = r.ratio.map((x) => x.toFixed(2)).join(" ");
    console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  x(b) median ${median(r.ratio).toFixed(2)} [${ratios}]  CPU ${Math.round(median(r.cpu))} us/req (${(median(r.cpu) / passCpu).toFixed(2)}x (b))${r.bad ? `  (${r.bad} errors or non-2xx)` : ""}`);
  }
  const pk = rows.find((r) => r.name === "pk" && r.ratio.length > 0 && median(r.ratio) > 0);
  if (pk) {
    for (const r of rows) {
      if (r === pk || r.ratio.length === 0) continue;
      // Both as shares of (b) in the same rounds: the quotient is the throughput ratio, round by round.
      const x = r.ratio.map((v, i) => v / pk.ratio[i]);
      console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  x Portkey's req/s median ${median(x).toFixed(1)} [${x.map((v) => v.toFixed(1)).join(" ")}]  CPU per request ${(median(pk.cpu) / median(r.cpu)).toFixed(1)}x less`);
    }
  }
}
// Memory: a fresh process per build and round, so that earlier load does not count.
const streamCount = Number(opt("streams", "1000"));
// A client that sends a long conversation each turn (Codex, an agent) keeps that much in flight
// per stream: what the proxy holds of it for the stream's life shows with --input-kb.
const inputKb = Number(opt("input-kb", "0"));
const streamInput = inputKb > 0 ? `${INPUT} ${"lorem ipsum dolor sit amet ".repeat(Math.ceil((inputKb * 1024) / 27))}`.slice(0, inputKb * 1024) : INPUT;
const streamTarget = {
  b: { path: `/slow/openai/responses?api-version=${API_VERSION}&${SLOW_QUERY}`, headers: { "content-type": "application/json", "api-key": AZURE_KEY }, body: { model: DEPLOYMENT, input: streamInput, stream: true } },
  c: { path: "/v1/responses", body: { model: "bench-responses-slow", input: streamInput, stream: true } },
  d: { path: "/v1/chat/completions", body: { model: "bench-bridge-slow", messages: [{ role: "user", content: streamInput }], stream: true } },
};
async function peakRss(start, kind) {
  const proc = await start();
  try {
    await sleep(300);
    const t = streamTarget[kind];
    const headers = t.headers ?? { "content-type": "application/json", authorization: `Bearer ${MASTER_KEY}` };
    const r = await openStreams({ pid: proc.pid, url: proc.url, path: t.path, headers, body: JSON.stringify(t.body), count: streamCount, holdMs: 2000, upstreamStats: fake.stats });
    return { idle: r.idleRss / 2 ** 20, peak: r.peakRss / 2 ** 20, bad: r.failures + (r.streams - r.withFirstByte) };
  } finally {
    await proc.stop();
  }
}
if (streamCases.length) await passthrough.stop();
for (const id of streamCases) {
  const kind = id.slice(4);
  const rows = [{ name: "(b)", start: () => startPassthrough(tmp, fake.url, "passthrough-mem"), kind: "b" }, ...builds.filter((b) => !b.portkey).map((b) => ({ name: b.name, start: () => b.start(`${b.name}-mem`), kind }))].map((r) => ({ ...r, idle: [], peak: [], bad: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const r of rows) {
      const m = await peakRss(r.start, r.kind);
      r.idle.push(m.idle);
      r.peak.push(m.peak);
      r.bad += m.bad;
    }
  }
  for (const r of rows) {
    console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  ${streamCount} open streams${inputKb > 0 ? ` of ${inputKb} KB requests` : ""}: peak RSS median ${median(r.peak).toFixed(1)} MB [${r.peak.map((x) => x.toFixed(1)).join(" ")}]  idle ${median(r.idle).toFixed(1)} MB${r.bad ? `  (${r.bad} failed streams)` : ""}`);
  }
}
await fake.stop();
process.exit(0);
