// Runs one load case against a dheera_ai started with `node --cpu-prof`, stops it gracefully (the
// profile is written at exit) and summarizes where its CPU time went.
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { summarizeProfile } from "./cpuprofile.mjs";
import { loadCase } from "./load.mjs";
import { createBenchKey, startDheera, targets } from "./setup.mjs";

/** `id` is a case id such as `c-responses-json` or `d-responses-sse` or `e-chat-sse`. */
export async function profileCase({ id, logDir, upstream, config, durationS = 5, connections = 32, overallRate }) {
  const [kind, api, m] = id.split("-");
  const dir = path.join(logDir, `cpuprofile-${id}`);
  mkdirSync(dir, { recursive: true });
  const proc = await startDheera(logDir, config, { name: `dheera_ai-profile-${id}`, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
  let r;
  try {
    // (g) and (r) call with a virtual key of their own.
    const virtualKey = kind === "g" || kind === "r" ? await createBenchKey(proc.url) : undefined;
    const t = targets({ upstream: upstream.url, passthrough: "http://127.0.0.1:1", dheera: proc.url, virtualKey })[api]?.[kind];
    if (!t || kind === "a" || kind === "b") throw new Error(`cannot profile ${id}: only dheera_ai cases (c, d, e, f, g, r)`);
    r = await loadCase({
      url: `${t.origin}${t.path}`,
      headers: t.headers,
      body: JSON.stringify(t.body(m === "sse")),
      connections,
      duration: durationS,
      warmup: 1,
      ...(overallRate ? { overallRate } : {}),
    });
  } finally {
    await proc.stop("SIGTERM");
  }
  const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  return { id, requests: r.requests, rps: r.rps, profile: path.join(dir, file), ...summarizeProfile(path.join(dir, file)) };
}
