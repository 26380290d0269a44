// Child processes of the benchmark: started here, tracked, and always killed on the way out
// (normal end, error, Ctrl-C), so a failed run never leaves a fake upstream or a proxy behind.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const children = new Set();

function killAllSync(signal = "SIGKILL") {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
  children.clear();
}

let installed = false;
/** Kills every child when this process ends, however it ends. */
export function installCleanup() {
  if (installed) return;
  installed = true;
  process.on("exit", () => killAllSync());
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      killAllSync();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`bench: ${err?.stack ?? err}\n`);
    killAllSync();
    process.exit(1);
  });
  process.on("unhandledRejection", (err) => {
    process.stderr.write(`bench: ${err?.stack ?? err}\n`);
    killAllSync();
    process.exit(1);
  });
}

/**
 * Starts `node <script> ...args` with stdout and stderr going to `<logDir>/<name>.log` (a file,
 * not a pipe: reading the proxy's log lines here would cost this process CPU during the load)
 * and waits until the log shows `ready` (a RegExp whose group 1 is the URL or port).
 */
export async function startNode({ name, script, args = [], nodeArgs = [], cwd, env, logDir, ready, timeoutMs = 15_000 }) {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: env ?? process.env,
    stdio: ["ignore", fd, fd, "ipc"],
  });
  closeSync(fd);
  children.add(child);
  child.on("exit", () => children.delete(child));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const started = Date.now();
  for (;;) {
    const text = readFileSync(logFile, "utf8");
    const match = ready.exec(text);
    if (match) return { name, child, pid: child.pid, logFile, match, exited, stop: (signal) => stop(child, exited, signal) };
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready (code ${child.exitCode ?? child.signalCode}). Its output:\n${text.slice(-3000)}`);
    }
    if (Date.now() - started > timeoutMs) {
      child.kill("SIGKILL");
      throw new Error(`${name} was not ready after ${timeoutMs} ms. Its output:\n${text.slice(-3000)}`);
    }
    await sleep(25);
  }
}

/** SIGTERM (a graceful stop: a --cpu-prof process writes its profile), then SIGKILL after `graceMs`. */
async function stop(child, exited, signal = "SIGTERM", graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}
