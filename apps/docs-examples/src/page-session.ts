/**
 * Runs the blocks of one page in order, the way a reader works through it: a proxy config
 * starts `dheera_ai`, later blocks talk to that proxy, files written by one block are there for
 * the next. Each page has its own folder, Azure emulator and proxy.
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createAzureEmulator, type AzureEmulator, type AzureEmulatorServer } from "@dheera/azure/testing";
import { createOpenAIEmulator } from "@dheera/openai/testing";
import { parse as parseYaml } from "yaml";
import { freePort, runToEnd, spawnTracked, waitForOutput, type ProcessOutcome, type Spawned } from "./child-processes.js";
import type { CheckContext, Expectation, RunResult } from "./expectation.js";
import type { CodeBlock } from "./markdown-blocks.js";
import { AZURE_KEYS, LOCAL_MODELS, READER_ENV, curlStatuses, curlrc, snippetEnvironment } from "./snippet-environment.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const APP_DIR = path.resolve(here, "..");
export const REPO_ROOT = path.resolve(APP_DIR, "../..");
const require = createRequire(import.meta.url);
/** The built `dheera_ai` of the workspace. */
export const PROXY_CLI = path.join(path.dirname(require.resolve("@dheera/proxy/package.json")), "dist/cli.js");
const TSX_LOADER = pathToFileURL(path.join(path.dirname(require.resolve("tsx/package.json")), "dist/esm/index.mjs")).href;

const RUNNING = /RUNNING on (http:\/\/[^\s]+)/;
const DEFAULT_TIMEOUT_MS = 30_000;

interface RunningProxy {
  process: Spawned;
  /** Where the runner reaches it (`http://127.0.0.1:<port>`). */
  url: string;
  port: number;
  /** The master key of its config, for the default checks. */
  masterKey: string | undefined;
}

export class PageSession {
  private emulator: AzureEmulator = createAzureEmulator({ apiKeys: AZURE_KEYS });
  private server: AzureEmulatorServer | undefined;
  // api.openai.com, and a chat-only local server (vLLM on :8000, Ollama on :11434) for the OpenAI pages.
  private openai = createOpenAIEmulator({ apiKeys: [READER_ENV.OPENAI_API_KEY!] });
  private local = createOpenAIEmulator({ chatOnly: true, apiKeys: [], models: LOCAL_MODELS });
  private openaiServer: { url: string; close(): Promise<void> } | undefined;
  private localServer: { url: string; close(): Promise<void> } | undefined;
  private proxy: RunningProxy | undefined;
  /** The TypeScript files the page's blocks wrote (snippets and project files), for `tsc`. */
  readonly typescriptFiles: string[] = [];
  /** The result of the last block that ran, for an output block after it. */
  private last: RunResult | undefined;
  readonly workDir: string;
  private readonly binDir: string;
  private readonly curlHome: string;

  constructor(readonly file: string) {
    this.workDir = path.join(APP_DIR, ".tmp", "pages", file.replace(/[\\/]/g, "__").replace(/\.md$/, ""));
    this.binDir = path.join(this.workDir, ".bin");
    this.curlHome = path.join(this.workDir, ".curl");
  }

  async open(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
    await mkdir(this.binDir, { recursive: true });
    await mkdir(this.curlHome, { recursive: true });
    // `dheera_ai` as a reader has it after `npm install -g @dheera/proxy`: the workspace's build.
    const shim = path.join(this.binDir, "dheera_ai");
    await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${PROXY_CLI}" "$@"\n`);
    await chmod(shim, 0o755);
    await this.writeCurlrc();
    this.server = await this.emulator.listen();
    this.openaiServer = await this.openai.listen();
    this.localServer = await this.local.listen();
  }

  async close(): Promise<void> {
    await this.stopProxy();
    await this.server?.close();
    await this.openaiServer?.close();
    await this.localServer?.close();
  }

  get proxyUrl(): string | undefined {
    return this.proxy?.url;
  }

  context(block: CodeBlock): CheckContext {
    const proxyUrl = this.proxy?.url;
    return {
      block,
      workDir: this.workDir,
      proxyUrl,
      fetchProxy: (p, init) => {
        if (!proxyUrl) throw new Error("no dheera_ai is running for this page (did the config block above fail?)");
        return fetch(new URL(p, proxyUrl), init);
      },
      upstreamRequests: () => [...this.emulator.requests],
      startProxy: async (command, args, options = {}) => {
        const port = await freePort();
        await this.startProxy(path.resolve(this.workDir, options.cwd ?? "."), command, args(port), port, DEFAULT_TIMEOUT_MS, options.env, false);
      },
    };
  }

  async run(block: CodeBlock, expectation: Expectation): Promise<RunResult> {
    if (expectation.kind === "output") {
      if (!this.last) throw new Error("an output block needs a block before it that ran");
      return this.last;
    }
    const context = this.context(block);
    await expectation.before?.(context);
    const from = this.emulator.requests.length;
    const cwd = path.join(this.workDir, expectation.cwd ?? ".");
    await mkdir(cwd, { recursive: true });
    const result = { ...(await this.execute(block, expectation, cwd)), upstream: this.emulator.requests.slice(from) };
    this.last = result;
    return result;
  }

  private async execute(block: CodeBlock, expectation: Expectation, cwd: string): Promise<Omit<RunResult, "upstream">> {
    const timeoutMs = expectation.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    switch (expectation.kind) {
      case "output":
        throw new Error("unreachable");
      case "file": {
        const target = path.join(this.workDir, expectation.path ?? block.title ?? "");
        if (!expectation.path && !block.title) throw new Error('a file block needs title="<path>" in its info string or a `path` in its expectation');
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, block.code);
        if (/\.m?ts$/.test(target)) this.typescriptFiles.push(target);
        return done({ exitCode: 0, signal: null, timedOut: false, stdout: "", stderr: "" });
      }
      case "script": {
        const ext = ["js", "javascript", "mjs"].includes(block.lang) ? ".mjs" : ".ts";
        const file = path.join(cwd, `snippet-L${block.line}${ext}`);
        await writeFile(file, block.code);
        if (ext === ".ts") this.typescriptFiles.push(file);
        return done(await runToEnd(process.execPath, ["--import", TSX_LOADER, file], this.spawnOptions(cwd, timeoutMs, expectation.env)));
      }
      case "command": {
        const file = await this.writeShell(block, cwd);
        const outcome = await runToEnd("bash", [file], this.spawnOptions(cwd, timeoutMs, expectation.env));
        return { ...done(outcome), statuses: curlStatuses(outcome.stderr) };
      }
      case "proxy-config": {
        await writeFile(path.join(cwd, "config.yaml"), block.code);
        const port = await freePort();
        return this.startProxy(
          cwd,
          process.execPath,
          [PROXY_CLI, "--config", "config.yaml", "--port", String(port), "--host", "127.0.0.1"],
          port,
          timeoutMs,
          expectation.env,
          expectation.rejectedWith !== undefined,
        );
      }
      case "proxy-start": {
        const file = await this.writeShell(block, cwd);
        const port = await freePort();
        return this.startProxy(cwd, "bash", [file], port, timeoutMs, { ...expectation.env, PORT: String(port) }, false);
      }
    }
  }

  private spawnOptions(cwd: string, timeoutMs: number, extra?: Record<string, string>) {
    return {
      cwd,
      timeoutMs,
      env: snippetEnvironment({
        binDir: this.binDir,
        curlHome: this.curlHome,
        emulatorUrl: this.server!.url,
        openaiUrl: this.openaiServer!.url,
        localUrl: this.localServer!.url,
        proxyUrl: this.proxy?.url,
        ...(extra ? { extra } : {}),
      }),
    };
  }

  private async writeShell(block: CodeBlock, cwd: string): Promise<string> {
    const file = path.join(cwd, `block-L${block.line}.sh`);
    await writeFile(file, block.code);
    return file;
  }

  /** Starts `dheera_ai` (directly or through a shell block); it becomes the page's proxy. */
  private async startProxy(
    cwd: string,
    command: string,
    args: string[],
    port: number,
    timeoutMs: number,
    extraEnv: Record<string, string> | undefined,
    expectRejection: boolean,
  ): Promise<Omit<RunResult, "upstream">> {
    await this.stopProxy();
    const options = this.spawnOptions(cwd, expectRejection ? timeoutMs : 24 * 3600_000, extraEnv);
    // The reader's DHEERA_AI_MASTER_KEY is what their clients send; a page's proxy takes its key
    // from the page's config (or from the variable when the page itself exports it).
    if (extraEnv?.DHEERA_AI_MASTER_KEY === undefined) delete options.env.DHEERA_AI_MASTER_KEY;
    const spawned = spawnTracked(command, args, options);
    if (expectRejection) return done(await spawned.exited);
    let url: string;
    try {
      url = (await waitForOutput(spawned, RUNNING, Math.min(timeoutMs, 20_000)))[1]!;
    } catch (error) {
      const outcome = await spawned.stop();
      throw new Error(`dheera_ai did not start (${(error as Error).message}).\nstdout:\n${outcome.stdout}\nstderr:\n${outcome.stderr}`);
    }
    this.proxy = { process: spawned, url: `http://127.0.0.1:${port}`, port, masterKey: await masterKeyOf(cwd, extraEnv) };
    await this.writeCurlrc();
    return { exitCode: null, signal: null, timedOut: false, stdout: spawned.stdout(), stderr: spawned.stderr(), statuses: [], proxyUrl: url };
  }

  /** The master key the page's proxy expects, if any. */
  get masterKey(): string | undefined {
    return this.proxy?.masterKey;
  }

  private async stopProxy(): Promise<void> {
    const proxy = this.proxy;
    this.proxy = undefined;
    await proxy?.process.stop();
    await this.writeCurlrc();
  }

  private async writeCurlrc(): Promise<void> {
    await writeFile(path.join(this.curlHome, ".curlrc"), curlrc(this.proxy?.port));
  }
}

function done(outcome: ProcessOutcome): Omit<RunResult, "upstream"> {
  return { ...outcome, statuses: [] };
}

/** `general_settings.master_key` of the page's config.yaml (os.environ/ resolved), if any. */
async function masterKeyOf(workDir: string, extraEnv: Record<string, string> | undefined): Promise<string | undefined> {
  let key: unknown;
  try {
    const config = parseYaml(await readFile(path.join(workDir, "config.yaml"), "utf8")) as { general_settings?: { master_key?: unknown } } | null;
    key = config?.general_settings?.master_key;
  } catch {
    return undefined;
  }
  if (typeof key !== "string") return undefined;
  const env = /^os\.environ\/(.+)$/.exec(key.trim());
  return env ? ({ ...READER_ENV, ...extraEnv } as Record<string, string | undefined>)[env[1]!] : key;
}
