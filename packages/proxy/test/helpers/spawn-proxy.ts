import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Spawns the real built `dheera_ai` (dist/cli.js) on a free loopback port. */

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(PACKAGE_DIR, "dist/cli.js");
export const MASTER_KEY = "sk-test-master-key-0123456789";

export interface ProxyProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines so far. */
  logs(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills whatever is still running (afterAll / afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  running.clear();
}

export function writeConfig(text: string, name = "config.yaml"): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dheera-proxy-"));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** An environment without the caller's Azure or proxy settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AZURE_|DHEERA_AI_|OPENAI_)/.test(k) || ["PORT", "HOST", "NUM_WORKERS", "DETAILED_DEBUG"].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface SpawnOptions {
  args?: string[];
  /** Working directory (where the default ./dheera-spend.sqlite goes); a fresh temp dir by default. */
  cwd?: string;
  env?: Record<string, string>;
  /** Resolve on exit instead of waiting for RUNNING (config error tests). */
  expectExit?: boolean;
  timeoutMs?: number;
}

export function spawnProxy(configFile: string | undefined, options: SpawnOptions = {}): Promise<ProxyProcess> {
  const args = [CLI, ...(configFile ? ["--config", configFile] : []), "--port", "0", "--host", "127.0.0.1", ...(options.args ?? [])];
  const ownCwd = options.cwd === undefined;
  const cwd = options.cwd ?? mkdtempSync(path.join(tmpdir(), "dheera-proxy-cwd-"));
  const child = spawn(process.execPath, args, { cwd, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"] });
  // A scratch working directory (and the default spend file in it) goes with the process.
  if (ownCwd) child.once("exit", () => rmSync(cwd, { recursive: true, force: true }));
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const base = {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dheera_ai did not start in time.\nstdout:\n${out}\nstderr:\n${err}`));
    }, options.timeoutMs ?? 8000);
    if (options.expectExit) {
      void exited.then(() => {
        clearTimeout(timer);
        resolve({ ...base, url: "", port: 0 });
      });
      return;
    }
    const onData = () => {
      const m = /RUNNING on (http:\/\/[^\s:]+:(\d+))/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      const port = Number(m[2]);
      resolve({ ...base, url: `http://127.0.0.1:${port}`, port });
    };
    child.stdout!.on("data", onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`dheera_ai exited with code ${code} before listening.\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** A config with the given model entries (YAML snippets) and the master key. */
export function configYaml(models: string, extra = ""): string {
  return `model_list:\n${models}\ngeneral_settings:\n  master_key: ${MASTER_KEY}\n${extra}`;
}

export function azureModel(modelName: string, model: string, apiBase: string, more: Record<string, string | number> = {}): string {
  const lines = [
    `  - model_name: ${modelName}`,
    `    dheera_ai_params:`,
    `      model: ${model}`,
    `      api_key: ${more.api_key ?? "test-azure-key"}`,
    `      api_base: ${apiBase}`,
    `      api_version: ${more.api_version ?? "2025-04-01-preview"}`,
  ];
  for (const [k, v] of Object.entries(more)) if (k !== "api_version" && k !== "model_info_id" && k !== "api_key") lines.push(`      ${k}: ${v}`);
  if (more.model_info_id !== undefined) lines.push(`    model_info:`, `      id: ${more.model_info_id}`);
  return lines.join("\n");
}
