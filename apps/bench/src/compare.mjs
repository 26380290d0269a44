#!/usr/bin/env node
// A/B comparison of two builds of dheera_ai under the same load, interleaved, in one run:
//   pnpm --filter @dheera/bench compare -- --base /path/to/other/checkout [--cases c-json,d-sse] [--rounds 3] [--duration 3]
// The other checkout must be built (pnpm install && pnpm build there). Without --base, only
// this checkout's dheera_ai is measured against the pass-through (b).
//
// Why: on a small shared machine, the same build's requests/s moves 15-25 % from one run to the
// next, more than most single fixes change it. Measuring both builds and (b) in turns, a few
// rounds, and reporting the median of each round's ratio to (b) is what makes a 5-10 % change
// visible. CPU per request (all threads of the process, /proc) is printed too.
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuMs } from "./lib/cpu.mjs";
import { loadCase } from "./lib/load.mjs";
import { installCleanup, startNode } from "./lib/processes.mjs";
import { cleanEnv, startDheera, startFake, startPassthrough, targets, writeProxyConfig } from "./lib/setup.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const basePath = opt("base");
const cases = opt("cases", "c-json,c-sse,d-json,d-sse").split(",");
const rounds = Number(opt("rounds", "3"));
const duration = Number(opt("duration", "3"));

installCleanup();
const tmp = mkdtempSync(path.join(os.tmpdir(), "dheera-compare-"));
const fake = await startFake(tmp);
const passthrough = await startPassthrough(tmp, fake.url);
const config = writeProxyConfig(tmp, fake.url);
const builds = [{ name: "this", proc: await startDheera(tmp, config) }];
if (basePath) builds.push({ name: "base", proc: await startBase(path.resolve(basePath)) });

/** The other checkout's CLI, with its own @dheera/* packages (the config's folder decides which provider loads). */
async function startBase(root) {
  const dir = path.join(tmp, "base");
  mkdirSync(dir);
  copyFileSync(config, path.join(dir, "config.yaml"));
  symlinkSync(path.join(root, "apps/bench/node_modules"), path.join(dir, "node_modules"), "dir");
  const p = await startNode({
    name: "dheera_ai-base",
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
const targetOf = (url, kind) => targets({ upstream: fake.url, passthrough: passthrough.url, dheera: url }).responses[kind];

async function measure(t, stream, pid) {
  const load = (seconds) => loadCase({ url: `${t.origin}${t.path}`, headers: t.headers, body: JSON.stringify(t.body(stream)), connections: 32, duration: seconds, warmup: 0 });
  await load(0.5); // warm-up, not counted in the CPU either
  const c0 = cpuMs(pid);
  const r = await load(duration);
  return { rps: r.rps, cpuUs: ((cpuMs(pid) - c0) * 1000) / Math.max(1, r.requests), bad: r.errors + r.non2xx };
}

console.log(`${rounds} rounds of ${duration} s per case; ratios are to (b) measured in the same round. Logs: ${tmp}`);
for (const id of cases) {
  const [kind, mode] = id.split("-");
  const stream = mode === "sse";
  const rows = builds.map((b) => ({ name: b.name, ratio: [], cpu: [], bad: 0 }));
  for (let round = 0; round < rounds; round++) {
    const b = await measure(targetOf(passthrough.url, "b"), stream, passthrough.pid);
    for (const [i, build] of builds.entries()) {
      const m = await measure(targetOf(build.proc.url, kind), stream, build.proc.pid);
      rows[i].ratio.push(m.rps / b.rps);
      rows[i].cpu.push(m.cpuUs);
      rows[i].bad += m.bad;
    }
  }
  for (const r of rows) {
    const ratios = r.ratio.map((x) => x.toFixed(2)).join(" ");
    console.log(`${id.padEnd(7)} ${r.name.padEnd(4)}  x(b) median ${median(r.ratio).toFixed(2)} [${ratios}]  CPU ${Math.round(median(r.cpu))} us/req${r.bad ? `  (${r.bad} errors or non-2xx)` : ""}`);
  }
}
await fake.stop();
process.exit(0);
