// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function
// (top frames), inclusive time per function, and self time per package.
import { readFileSync } from "node:fs";

function shortUrl(url) {
  if (!url) return "";
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/(.+)$/);
  if (pnpm) return pnpm[1];
  const nm = url.match(/node_modules\/(.+)$/);
  if (nm) return nm[1];
  const pkg = url.match(/\/(packages|apps)\/(.+)$/);
  if (pkg) return `${pkg[1]}/${pkg[2]}`;
  return url.replace(/^file:\/\//, "");
}

export function category(url, name) {
  if (name === "(garbage collector)") return "GC";
  if (name === "(idle)") return "idle";
  if (name === "(program)") return "V8/native (program)";
  if (!url) return "native/builtin";
  if (url.startsWith("node:")) return "node internals";
  const u = shortUrl(url);
  if (u.startsWith("packages/proxy") || u.startsWith("@dheera/proxy")) return "@dheera/proxy";
  if (u.startsWith("packages/core") || u.startsWith("@dheera/core")) return "@dheera/core";
  if (u.startsWith("packages/azure") || u.startsWith("@dheera/azure")) return "@dheera/azure";
  const m = u.match(/^(@[^/]+\/[^/]+|[^/]+)/);
  return m ? m[1] : u;
}

/**
 * @returns {{ totalMs: number, busyMs: number, self: Array, inclusive: Array, byCategory: Array }}
 */
export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const key = (n) => {
    const f = n.callFrame;
    const name = f.functionName || "(anonymous)";
    return f.url ? `${name} ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
  };
  let totalUs = 0;
  let idleUs = 0;
  const self = new Map();
  const cats = new Map();
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    totalUs += us;
    if (n.callFrame.functionName === "(idle)") idleUs += us;
    const k = key(n);
    self.set(k, (self.get(k) ?? 0) + us);
    const c = category(n.callFrame.url, n.callFrame.functionName);
    cats.set(c, (cats.get(c) ?? 0) + us);
  }
  // Inclusive time: each function counted once per stack, however often it recurses.
  const inclusive = new Map();
  const parents = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parents.get(cur)) {
      const n = byId.get(cur);
      const k = key(n);
      if (k === "(root)" || seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const rows = (map, n, skipIdle = true) =>
    [...map]
      .filter(([k]) => !skipIdle || (k !== "(idle)" && k !== "idle"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pctOfBusy: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    self: rows(self, top),
    inclusive: rows(inclusive, top).filter((r) => r.name !== "(program)"),
    byCategory: rows(cats, 20),
  };
}
