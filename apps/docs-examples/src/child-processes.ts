/**
 * Every process the runner starts: each in its own process group (so a shell block's children
 * die with it), with a time limit, and all of them killed when the run ends, however it ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited (after a time-out kill too). */
  exited: Promise<ProcessOutcome>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<ProcessOutcome>;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kills the group after this many ms (the outcome says `timedOut`). */
  timeoutMs: number;
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

process.once("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});
// Detached groups do not get the terminal's Ctrl-C: pass it on, then die of it as usual.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    for (const child of live) killGroup(child, "SIGKILL");
    process.kill(process.pid, signal);
  });
}

export function spawnTracked(command: string, args: string[], options: SpawnOptions): Spawned {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  live.add(child);
  let out = "";
  let err = "";
  let timedOut = false;
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child, "SIGKILL");
  }, options.timeoutMs);
  const exited = new Promise<ProcessOutcome>((resolve) => {
    const done = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      live.delete(child);
      // The group may outlive its leader (a shell's background job): take it down too.
      killGroup(child, "SIGKILL");
      resolve({ exitCode, signal, timedOut, stdout: out, stderr: err });
    };
    child.once("error", (error) => {
      err += String(error);
      done(null, null);
    });
    child.once("close", done);
  });
  return {
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode === null && child.signalCode === null) {
        killGroup(child, "SIGTERM");
        const kill = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        const outcome = await exited;
        clearTimeout(kill);
        return outcome;
      }
      return exited;
    },
  };
}

/** Runs a process to its end (or its time limit). */
export function runToEnd(command: string, args: string[], options: SpawnOptions): Promise<ProcessOutcome> {
  return spawnTracked(command, args, options).exited;
}

/** Resolves with the first match of `pattern` in stdout; rejects if the process exits or time runs out first. */
export async function waitForOutput(spawned: Spawned, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(spawned.stdout());
    if (match) return match;
    if (exited) throw new Error(`exited before printing ${pattern}`);
    if (Date.now() > deadline) throw new Error(`did not print ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Stops every process still running. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("close", () => resolve());
          killGroup(child, "SIGKILL");
          setTimeout(resolve, 2000).unref();
        }),
    ),
  );
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
