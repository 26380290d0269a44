// Derived numbers (added latency, ratio to the pass-through), the targets, and the tables for
// stdout and docs/benchmarks.md.
import { round } from "./stats.mjs";

const mode = (stream) => (stream ? "sse" : "json");
const baselineId = (kind, c) => `${kind}-${c.api}-${mode(c.stream)}`;

/** Adds added latency vs (a) and the ratio to (b) to every case; returns the targets. */
export function evaluateTargets(results) {
  const derive = (list) => {
    const byId = new Map(list.map((c) => [c.id, c]));
    for (const c of list) {
      const a = byId.get(baselineId("a", c));
      const b = byId.get(baselineId("b", c));
      if (a && c.kind !== "a") {
        c.addedMs = { p50: round(c.latencyMs.p50 - a.latencyMs.p50), p99: round(c.latencyMs.p99 - a.latencyMs.p99), mean: round(c.latencyMs.mean - a.latencyMs.mean) };
      }
      if (b && c.kind !== "a" && c.kind !== "b") c.ratioToPassthrough = round(c.rps / b.rps, 3);
    }
    return byId;
  };
  const cases = derive(results.cases);
  const fixed = derive(results.fixedRate);
  const ttfb = new Map(results.ttfb.map((t) => [t.id, t]));
  for (const t of results.ttfb) {
    const a = ttfb.get(`a-${t.api}-sse`);
    if (a && t.kind !== "a") {
      t.addedFirstByteMs = { p50: round(t.firstByteMs.p50 - a.firstByteMs.p50), p99: round(t.firstByteMs.p99 - a.firstByteMs.p99), mean: round(t.firstByteMs.mean - a.firstByteMs.mean) };
    }
  }

  const out = [];
  const add = (id, description, value, limit, cmp, unit, profileCase) =>
    out.push({
      id,
      description,
      value,
      limit,
      cmp,
      unit,
      pass: value === undefined ? null : cmp === ">=" ? value >= limit : value <= limit,
      ...(profileCase ? { profileCase } : {}),
    });
  // Issue 18's targets, with the realistic configuration (r) where the bench has it.
  const cpuRatio = (id, baseId) => {
    const c = cases.get(id);
    const b = cases.get(baseId);
    return c?.proxyCpuUsPerRequest && b?.proxyCpuUsPerRequest ? round(c.proxyCpuUsPerRequest / b.proxyCpuUsPerRequest) : undefined;
  };
  for (const m of ["json", "sse"]) {
    add(`cpu-r-vs-b-${m}`, `(r) realistic ${m}: CPU per request as a multiple of (b)'s`, cpuRatio(`r-responses-${m}`, `b-responses-${m}`), 2, "<=", "x", `r-responses-${m}`);
  }
  // The bridge against the chat pass-through (the issue's yardstick for it).
  for (const m of ["json", "sse"]) {
    add(`cpu-d-vs-b-${m}`, `(d) chat bridge ${m}: CPU per request as a multiple of (b) [chat upstream]'s`, cpuRatio(`d-responses-${m}`, `b-chat-${m}`), 3, "<=", "x", `d-responses-${m}`);
  }
  for (const k of ["r", "c", "d"]) {
    for (const m of ["json", "sse"]) {
      const f = fixed.get(`${k}-responses-${m}`);
      if (f === undefined && k === "r") continue;
      add(`p99-${k}-${m}`, `(${k}) ${m}: added p99 at a fixed ${f?.rate ?? 1000} req/s`, f?.addedMs?.p99, 1, "<=", "ms", `${k}-responses-${m}`);
    }
  }
  for (const k of ["r", "c", "d"]) {
    const t = ttfb.get(`${k}-responses-sse`);
    if (t === undefined && k === "r") continue;
    add(`ttfb-${k}`, `(${k}) stream: added time to first byte (median)`, t?.addedFirstByteMs?.p50, 0.5, "<=", "ms", `${k}-responses-sse`);
  }
  const ws = ttfb.get("c-responses-ws");
  const sse = ttfb.get("c-responses-sse");
  add("ttfb-ws", "(c) WebSocket mode: first byte minus SSE's (median)", ws && sse ? round(ws.firstByteMs.p50 - sse.firstByteMs.p50) : undefined, 1, "<=", "ms", "c-responses-sse");
  const passRss = results.openStreams.find((s) => s.kind === "b")?.peakRssMB;
  for (const s of results.openStreams.filter((s) => s.kind !== "b")) {
    add(`rss-streams-${s.kind}`, `(${s.kind}) peak RSS with ${s.streams} open streams as a multiple of (b)'s`, passRss ? round(s.peakRssMB / passRss) : undefined, 1.15, "<=", "x");
  }
  return out;
}

const fmt = (v, digits = 2) => (v === undefined || v === null ? "-" : typeof v === "number" ? v.toFixed(digits) : String(v));
const signed = (v, digits = 2) => (v === undefined || v === null ? "-" : `${v >= 0 ? "+" : ""}${v.toFixed(digits)}`);

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function markdownTable(header, rows) {
  return [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function sections(results) {
  const caseName = (c) => `${c.label} ${c.api === "chat" ? "[chat upstream] " : ""}${mode(c.stream)}`;
  const throughput = {
    title: `Throughput: ${results.settings.connections} connections, ${results.settings.durationS} s after ${results.settings.warmupS} s warm-up`,
    header: ["case", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "x (b)", "proxy CPU us/req", "peak RSS MB", "other CPU %"],
    rows: results.cases.map((c) => [
      caseName(c),
      fmt(c.rps, 0),
      fmt(c.latencyMs.p50),
      fmt(c.latencyMs.p99),
      signed(c.addedMs?.p50),
      signed(c.addedMs?.p99),
      fmt(c.ratioToPassthrough),
      fmt(c.proxyCpuUsPerRequest, 0),
      fmt(c.peakRssMB, 1),
      fmt(c.foreignCpuPct, 0),
    ]),
  };
  const fixed = {
    title: `Fixed rate: ${results.settings.fixedRate} req/s (autocannon overallRate, ${results.settings.fixedRateStreams} staggered one-connection instances), ${results.settings.durationS} s per case${
      results.settings.fixedRateRounds > 1 ? ` in ${results.settings.fixedRateRounds} rounds the cases take in turn, latencies pooled` : ""
    }`,
    header: ["case", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "+p50 ms", "+p99 ms", "p99 per round ms", "proxy CPU us/req", "other CPU %"],
    rows: results.fixedRate.map((c) => [
      caseName(c),
      fmt(c.rps, 0),
      fmt(c.latencyMs.p50),
      fmt(c.latencyMs.p99),
      fmt(c.latencyMs.p999),
      signed(c.addedMs?.p50),
      signed(c.addedMs?.p99),
      c.roundP99Ms ? c.roundP99Ms.map((x) => fmt(x)).join(" / ") : "-",
      fmt(c.proxyCpuUsPerRequest, 0),
      fmt(c.foreignCpuPct, 0),
    ]),
  };
  const ttfb = {
    title: `Streams, time to first byte: ${results.settings.ttfbRequests} sequential requests each`,
    header: ["case", "first byte p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "whole stream p50 ms", "bytes"],
    rows: results.ttfb.map((t) => [
      `${t.label}${t.api === "chat" ? " [chat upstream]" : ""}`,
      fmt(t.firstByteMs.p50, 3),
      fmt(t.firstByteMs.p99, 3),
      signed(t.addedFirstByteMs?.p50, 3),
      signed(t.addedFirstByteMs?.p99, 3),
      fmt(t.totalMs.p50, 3),
      t.bytes,
    ]),
  };
  const streams = {
    title: `Open streams: ${results.settings.openStreams} concurrent, upstream drips one event every 500 ms, fresh proxy process`,
    header: ["proxy", "streams open", "idle RSS MB", "peak RSS MB", "RSS at end of hold MB", "KB per stream (peak)", "upstream open", "upstream open after close"],
    rows: results.openStreams.map((s) => [
      s.label,
      `${s.withFirstByte}/${s.streams}`,
      fmt(s.idleRssMB, 1),
      fmt(s.peakRssMB, 1),
      fmt(s.heldRssMB, 1),
      fmt(s.perStreamKB, 1),
      fmt(s.upstreamOpen, 0),
      fmt(s.upstreamLeftAfterClose, 0),
    ]),
  };
  const sdk = results.sdk && {
    title: `SDK: responses() vs a raw undici request, ${results.sdk.json.calls} sequential calls each, same process`,
    header: ["call", "raw mean ms", "responses() mean ms", "raw p99 ms", "responses() p99 ms", "ratio", "added us/call"],
    rows: Object.entries(results.sdk).filter(([, s]) => typeof s === "object").map(([name, s]) => [
      name === "json" ? "responses() JSON" : "responses({stream: true}), all events",
      fmt(s.rawMs.mean, 3),
      fmt(s.sdkMs.mean, 3),
      fmt(s.rawMs.p99, 3),
      fmt(s.sdkMs.p99, 3),
      fmt(s.ratio),
      fmt(s.addedPerCallUs, 0),
    ]),
  };
  const targets = {
    title: "Targets",
    header: ["target", "measured", "limit", "result"],
    rows: results.targets.map((t) => [
      t.description,
      `${fmt(t.value, t.unit === "x" ? 3 : 2)} ${t.unit}`,
      `${t.cmp ?? (t.unit === "x" ? ">=" : "<=")} ${t.limit} ${t.unit}`,
      t.pass === null ? "not measured" : t.pass ? "met" : "MISSED",
    ]),
  };
  return [throughput, fixed, ttfb, streams, sdk, targets].filter(Boolean);
}

export function printReport(results) {
  const m = results.machine;
  const lines = [
    "",
    `dheera benchmark, ${results.date}: ${m.cores} x ${m.cpuModel}, ${m.totalMemoryMB} MB, Node ${m.node}, ${m.platform}`,
    "(a) direct to the fake upstream; (b) minimal node:http + undici pass-through; (c) dheera_ai /v1/responses;",
    "(d) dheera_ai /v1/chat/completions on azure/responses/... (bridge); (e) dheera_ai chat on a native chat deployment.",
    "+ms = added vs (a) on the same upstream API; x (b) = req/s as a share of (b).",
  ];
  for (const s of sections(results)) lines.push("", s.title, table(s.header, s.rows));
  for (const p of results.profiles ?? []) {
    lines.push("", `Profile ${p.id}: ${p.requests} requests, ${p.busyMs} ms busy; top self time:`);
    lines.push(table(["function", "ms", "% busy"], p.self.slice(0, 15).map((r) => [r.name, fmt(r.ms, 1), fmt(r.pctOfBusy, 1)])));
  }
  if (results.problems.length) lines.push("", `Problems: ${results.problems.join("; ")}`);
  if (results.warnings.length) lines.push("", `Warnings: ${results.warnings.join("; ")}`);
  lines.push("", `elapsed ${results.elapsedS} s`, "");
  process.stdout.write(lines.join("\n"));
}

export function markdownReport(results) {
  const m = results.machine;
  const out = [
    `Measured ${results.date.slice(0, 10)} with \`${results.command}\` on ${m.cores} x ${m.cpuModel}, ${m.totalMemoryMB} MB RAM, Node ${m.node}, ${m.platform}${m.git ? `, commit ${m.git.commit}${m.git.dirty ? " (uncommitted changes)" : ""}` : ""}. The whole run took ${results.elapsedS} s.`,
  ];
  for (const s of sections(results)) out.push("", `**${s.title}**`, "", markdownTable(s.header, s.rows));
  const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", "\\n").replaceAll("\r", "\\r");
  for (const p of results.profiles ?? []) {
    out.push(
      "",
      `**Profile ${p.id}** (\`node --cpu-prof\` on dheera_ai, ${p.rps} req/s, ${p.busyMs} ms busy): self time by package, then the top frames`,
      "",
      markdownTable(["package", "ms", "% of busy"], p.byCategory.slice(0, 8).map((r) => [cell(r.name), fmt(r.ms, 0), fmt(r.pctOfBusy, 1)])),
      "",
      markdownTable(["function (self time)", "ms", "% of busy"], p.self.slice(0, 12).map((r) => [`\`${cell(r.name)}\``, fmt(r.ms, 0), fmt(r.pctOfBusy, 1)])),
    );
  }
  if (results.problems.length) out.push("", `Problems in this run: ${results.problems.join("; ")}`);
  if (results.warnings.length) out.push("", `Warnings: ${results.warnings.join("; ")}`);
  return out.join("\n");
}
