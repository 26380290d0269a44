// Resident memory of a child process from /proc/<pid>/status (Linux). The peak of one case is
// VmHWM after resetting it (`5` > /proc/<pid>/clear_refs) at the start of the case; where that
// reset is not allowed, the highest VmRSS sampled every `everyMs` stands in.
import { readFileSync, writeFileSync } from "node:fs";

const KB = /^(VmRSS|VmHWM):\s+(\d+) kB$/gm;

export function memory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const out = {};
    for (const m of text.matchAll(KB)) out[m[1]] = Number(m[2]) * 1024;
    return { rss: out.VmRSS, hwm: out.VmHWM };
  } catch {
    return { rss: undefined, hwm: undefined };
  }
}

function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Starts watching `pid`; `stop()` returns the peak RSS in bytes since the start. */
export function watchRss(pid, everyMs = 50) {
  if (!pid) return { stop: () => ({ peak: undefined, last: undefined }) };
  const reset = resetPeak(pid);
  let maxSampled = memory(pid).rss ?? 0;
  let last = maxSampled;
  const timer = setInterval(() => {
    const { rss } = memory(pid);
    if (rss !== undefined) {
      last = rss;
      if (rss > maxSampled) maxSampled = rss;
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const { rss, hwm } = memory(pid);
      if (rss !== undefined) last = rss;
      const peak = reset && hwm !== undefined ? Math.max(hwm, maxSampled) : Math.max(maxSampled, rss ?? 0);
      return { peak, last, method: reset ? "VmHWM (reset per case)" : "max sampled VmRSS" };
    },
  };
}

export const mb = (bytes) => (bytes === undefined ? undefined : Math.round((bytes / (1024 * 1024)) * 10) / 10);
