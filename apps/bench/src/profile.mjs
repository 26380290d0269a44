#!/usr/bin/env node
// Profiles dheera_ai under one load case with `node --cpu-prof` and prints the top frames.
//   pnpm --filter @dheera/bench profile -- c-responses-json [d-responses-sse ...] [--duration 10] [--rate 1000]
// Case ids: c-responses-json, c-responses-sse, d-responses-json, d-responses-sse, e-chat-json, e-chat-sse, and f-, g-, r-responses-json/sse.
// Build first (pnpm build). The .cpuprofile files stay in the printed folder (open them in
// Chrome DevTools or speedscope).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { profileCase } from "./lib/profile-case.mjs";
import { installCleanup } from "./lib/processes.mjs";
import { startFake, writeProxyConfig } from "./lib/setup.mjs";

const argv = process.argv.slice(2);
const value = (name) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : undefined);
const ids = argv.filter((a, i) => !a.startsWith("--") && !argv[i - 1]?.startsWith("--"));
if (ids.length === 0) ids.push("c-responses-json");

installCleanup();
const tmp = mkdtempSync(path.join(os.tmpdir(), "dheera-profile-"));
const fake = await startFake(tmp);
const config = writeProxyConfig(tmp, fake.url, { router: true });
for (const id of ids) {
  const p = await profileCase({ id, logDir: tmp, upstream: fake, config, durationS: value("duration") ?? 8, connections: value("connections") ?? 32, overallRate: value("rate") });
  const row = (r) => `${r.ms.toFixed(1).padStart(9)} ms ${r.pctOfBusy.toFixed(1).padStart(5)} %  ${r.name}`;
  console.log(`\n${id}: ${p.requests} requests (${p.rps} req/s), ${p.busyMs} ms busy of ${p.totalMs} ms. Profile: ${p.profile}`);
  console.log("\nself time by package:");
  for (const r of p.byCategory) console.log(row(r));
  console.log("\ntop self time:");
  for (const r of p.self) console.log(row(r));
  console.log("\ntop inclusive time:");
  for (const r of p.inclusive) console.log(row(r));
}
await fake.stop();
process.exit(0);
