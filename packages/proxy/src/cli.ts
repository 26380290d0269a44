#!/usr/bin/env node
/** The `dheera_ai` command: flags and environment, single process or a node:cluster of workers. */
import cluster from "node:cluster";
import { Command, InvalidArgumentError, Option } from "commander";
import pino from "pino";
import { ConfigError } from "./config/config-error.js";
import { loadConfigFile } from "./config/load-config.js";
import { createProxy } from "./server/create-proxy.js";
import { startProxy } from "./server/start-proxy.js";
import { VERSION } from "./version.js";
import { GROUP_METRICS_ENV, serveClusterMetrics } from "./observability/cluster-metrics.js";

interface CliOptions {
  config?: string;
  port: number;
  host: string;
  num_workers: number;
  detailed_debug?: boolean;
}

const LISTENING = "dheera:listening";

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

const program = new Command()
  .name("dheera_ai")
  .description("Dheera AI proxy: an OpenAI-compatible gateway (Responses API and Chat Completions).")
  .version(VERSION, "-v, --version")
  .addOption(new Option("-c, --config <path>", "path to config.yaml").env("DHEERA_AI_CONFIG"))
  .addOption(new Option("--port <port>", "port to listen on (0 picks a free one)").env("PORT").default(4000).argParser(integer(0, 65535)))
  .addOption(new Option("--host <host>", "address to listen on").env("HOST").default("0.0.0.0"))
  .addOption(new Option("--num_workers <n>", "worker processes sharing the port (node:cluster)").env("NUM_WORKERS").default(1).argParser(integer(1, 256)))
  .addOption(new Option("--detailed_debug", "log request and response bodies (secrets redacted)").env("DETAILED_DEBUG"))
  .addHelpText(
    "after",
    "\nEnvironment:\n  DHEERA_AI_CONFIG      config path (same as --config)\n  DHEERA_AI_MASTER_KEY  master key when general_settings.master_key is not set\n  PORT, HOST, NUM_WORKERS, DETAILED_DEBUG",
  );

function fail(err: unknown, options?: CliOptions): never {
  process.stderr.write(`${err instanceof ConfigError ? `Invalid config:\n${err.message}` : `dheera_ai: ${howToFix(err, options) ?? (err instanceof Error ? err.message : String(err))}`}\n`);
  process.exit(1);
}

/** The start-up failures a user fixes with a flag: said with the flag and the variable. */
function howToFix(err: unknown, options: CliOptions | undefined): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (!options) return undefined;
  if (code === "EADDRINUSE") {
    return `port ${options.port} on ${options.host} is already in use (another dheera_ai?). Stop what holds it, or pick another port: --port <n> or PORT=<n>.`;
  }
  if (code === "EACCES") return `not allowed to listen on port ${options.port} (ports below 1024 need privileges). Pick another: --port <n> or PORT=<n>.`;
  if (code === "EADDRNOTAVAIL") return `${options.host} is not an address of this machine. Pick another: --host <address> or HOST=<address>.`;
  return undefined;
}

async function runServer(options: CliOptions & { config: string }): Promise<void> {
  let started;
  try {
    started = await startProxy({
      config: options.config,
      port: options.port,
      host: options.host,
      handleSignals: true,
      ...(options.detailed_debug ? { detailedDebug: true } : {}),
    });
  } catch (err) {
    fail(err, options);
  }
  if (cluster.isWorker) process.send?.({ type: LISTENING, url: started.address.url });
  else process.stdout.write(`RUNNING on ${started.address.url}\n`);
}

async function runPrimary(options: CliOptions & { config: string }): Promise<void> {
  // Check the whole config once, here, so a mistake is reported once and nothing is forked.
  // The spend store is opened (and migrated) here too, once, before the workers race for it.
  try {
    const proxy = await createProxy(await loadConfigFile(options.config), { logger: pino({ enabled: false }) });
    await proxy.shutdown(0);
  } catch (err) {
    fail(err);
  }
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  // Workers know they are ours, so a scrape of any of them asks this primary for the whole group.
  const fork = () => cluster.fork({ [GROUP_METRICS_ENV]: "1" });
  serveClusterMetrics();

  cluster.on("message", (worker, message: { type?: string; url?: string }) => {
    if (message?.type !== LISTENING) return;
    listening.add(worker.id);
    // Announced once every worker is listening, so the first requests already spread.
    if (!announced && listening.size >= options.num_workers) {
      announced = true;
      process.stdout.write(`RUNNING on ${message.url} (${options.num_workers} workers)\n`);
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!listening.has(worker.id)) {
      // Failed at start-up: the worker printed why; do not loop.
      process.stderr.write(`dheera_ai: a worker failed to start (code ${code ?? signal}); stopping.\n`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    listening.delete(worker.id);
    process.stderr.write(`dheera_ai: worker ${worker.process.pid} exited (${code ?? signal}); starting another.\n`);
    fork();
  });

  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const w of workers) w?.process.kill("SIGTERM");
    // Workers drain within their own grace period; this only guards against a stuck one.
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      process.exit(0);
    }, 30_000).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  for (let i = 0; i < options.num_workers; i++) fork();
}

async function main(): Promise<void> {
  const options = program.parse(process.argv).opts<CliOptions>();
  // Started by a launcher with an IPC channel (examples/start.mjs): if the launcher dies, even by
  // SIGKILL, the channel closes and the gateway drains and stops instead of listening on, orphaned.
  if (cluster.isPrimary && process.channel) {
    process.channel.unref();
    process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  }
  const config = options.config;
  if (!config) {
    program.error("error: no config file. Pass --config <path> or set DHEERA_AI_CONFIG.", { exitCode: 2 });
    return;
  }
  const withConfig = { ...options, config };
  if (cluster.isPrimary && options.num_workers > 1) await runPrimary(withConfig);
  else await runServer(withConfig);
}

process.on("unhandledRejection", (reason) => {
  process.stderr.write(`dheera_ai: unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`);
});

void main();
