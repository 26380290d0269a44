// CPU time a process has used (user + system), from /proc/<pid>/stat, in milliseconds.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

// USER_HZ is 100 on every Linux Node supports.
const TICK_MS = 10;

/**
 * CPU time of a process and its child processes (the workers of `dheera_ai --num_workers N`,
 * forked by the primary), in milliseconds; a process without children is counted alone.
 */
export function groupCpuMs(pid) {
  const own = cpuMs(pid);
  if (own === undefined) return undefined;
  let total = own;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) total += cpuMs(Number(entry)) ?? 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return undefined;
  }
}

/**
 * Pins every thread of `pid` to one CPU (`taskset -a`; threads made later inherit it). With the
 * proxies on one core and the load and the fake upstream on the other, a build's CPU per request
 * no longer moves with what the load generator happened to be doing on the same core.
 */
export function pinToCpu(pid, cpu) {
  execFileSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
}
