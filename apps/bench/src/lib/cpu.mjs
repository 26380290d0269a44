// CPU time a process has used (user + system), from /proc/<pid>/stat, in milliseconds.
import { readFileSync } from "node:fs";

// USER_HZ is 100 on every Linux Node supports.
const TICK_MS = 10;

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
