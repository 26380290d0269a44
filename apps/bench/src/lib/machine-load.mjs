// How busy the machine is with work that is not this benchmark's. Loopback numbers on a shared
// machine swing a lot when something else runs (a test suite, a build), so every case records the
// CPU used by other processes (and stolen by the hypervisor) while it ran, and the run waits a
// little for a quiet machine before it starts.
import { readFileSync } from "node:fs";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { cpuMs } from "./cpu.mjs";

/**
 * Busy and steal CPU of the whole machine, ms, from /proc/stat. Interrupt time is left out: the
 * kernel's loopback packet processing runs there (softirq) and is charged to no process, so with
 * it the benchmark's own networking would look like somebody else's work.
 */
function machineCpu() {
  try {
    const [, user, nice, system, , , , , steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    return { busy: (user + nice + system + steal) * 10, steal: steal * 10 };
  } catch {
    return undefined;
  }
}

/** Measures, between start and stop, the share of all cores used by processes not in `pids()`. */
export function foreignCpu(pids) {
  const m0 = machineCpu();
  const ours0 = pids().map((pid) => [pid, cpuMs(pid) ?? 0]);
  const t0 = Date.now();
  return {
    stop() {
      const m1 = machineCpu();
      if (!m0 || !m1) return undefined;
      const elapsed = Date.now() - t0;
      let ours = 0;
      for (const [pid, before] of ours0) ours += (cpuMs(pid) ?? before) - before;
      const capacity = elapsed * os.cpus().length;
      const foreign = Math.max(0, m1.busy - m0.busy - ours);
      return { foreignPct: Math.round((foreign / capacity) * 1000) / 10, stealPct: Math.round(((m1.steal - m0.steal) / capacity) * 1000) / 10 };
    },
  };
}

/** Waits (at most `maxWaitS`) until the machine is under `threshold`% busy over one second. */
export async function waitForQuiet({ maxWaitS = 30, threshold = 15, log = () => {} } = {}) {
  const started = Date.now();
  let said = false;
  for (;;) {
    const a = machineCpu();
    await sleep(1000);
    const b = machineCpu();
    if (!a || !b) return { quiet: true, busyPct: undefined };
    const busyPct = Math.round(((b.busy - a.busy) / (1000 * os.cpus().length)) * 100);
    if (busyPct < threshold) return { quiet: true, busyPct, waitedS: Math.round((Date.now() - started) / 1000) };
    if (Date.now() - started > maxWaitS * 1000) return { quiet: false, busyPct, waitedS: maxWaitS };
    if (!said) {
      log(`the machine is ${busyPct}% busy with other work; waiting up to ${maxWaitS} s for it to calm down`);
      said = true;
    }
  }
}
