/**
 * What the runner does with a code block and what it checks afterwards. Every runnable block of
 * a page has one, keyed by the block's heading path (see `CodeBlock.key`), in
 * `expectations/<page path>.ts`.
 */
import type { RecordedRequest } from "@dheera/azure/testing";
import type { CodeBlock } from "./markdown-blocks.js";

/** What running a block produced. */
export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the runner killed the process because it ran out of time. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Every request the Azure emulator answered while the block ran, oldest first. */
  upstream: RecordedRequest[];
  /** HTTP statuses of the curl transfers a shell block made, in order. */
  statuses: number[];
  /** For blocks that start `dheera_ai`: the address it prints in its `RUNNING on` line. */
  proxyUrl?: string | undefined;
}

/** What a check can use besides the result. */
export interface CheckContext {
  block: CodeBlock;
  /** The page's working folder: where config.yaml and the snippet files are written. */
  workDir: string;
  /** Base URL of the proxy that is running for this page, if any (`http://127.0.0.1:<port>`). */
  proxyUrl: string | undefined;
  /** `fetch` against the running proxy, for checks a reader would do with a second request. */
  fetchProxy(path: string, init?: RequestInit): Promise<Response>;
  /** Every request the page's Azure emulator has answered so far, oldest first. */
  upstreamRequests(): RecordedRequest[];
  /**
   * Starts a program that serves the proxy and prints `RUNNING on`, in the page's environment;
   * it becomes the page's proxy. For a `before` hook, when the block that starts it in the
   * markdown cannot run (e.g. it installs from the network first). `args` receives a free port.
   */
  startProxy(command: string, args: (port: number) => string[], options?: { cwd?: string; env?: Record<string, string> }): Promise<void>;
}

export type Check = (result: RunResult, context: CheckContext) => void | Promise<void>;

interface Common {
  /** Per-block time limit, default 30 s. */
  timeoutMs?: number;
  /** Folder inside the page's folder to run in (default the page's folder itself). */
  cwd?: string;
  /** Extra environment, for what the page tells the reader to export (e.g. DHEERA_AI_MASTER_KEY). */
  env?: Record<string, string>;
  /** Runs before the block (e.g. put a package where the snippet expects it); test-side only. */
  before?: (context: CheckContext) => void | Promise<void>;
}

/** A TypeScript or JavaScript block: executed with tsx against the built packages. */
export interface ScriptExpectation extends Common {
  kind: "script";
  /** Expected exit code, default 0. */
  exitCode?: number;
  check: Check;
}

/**
 * A YAML block that is a proxy config: written to `config.yaml` in the page's folder and
 * served by a real `dheera_ai` on a free port. By default the runner waits for `RUNNING on`
 * and checks that `GET /v1/models` lists every `model_name` of the block.
 */
export interface ProxyConfigExpectation extends Common {
  kind: "proxy-config";
  /** The config is an example of a mistake: the process must exit with this on stderr. */
  rejectedWith?: RegExp;
  check?: Check;
}

/**
 * A shell block that starts `dheera_ai` in the foreground. It runs as written (with
 * `dheera_ai` on PATH and `PORT` set to a free port) and replaces the page's running proxy.
 * The printed `RUNNING on` line must match the `# RUNNING on ...` comment in the block, port aside.
 */
export interface ProxyStartExpectation extends Common {
  kind: "proxy-start";
  check?: Check;
}

/** A shell block that runs to completion (curl, npm run ...). */
export interface CommandExpectation extends Common {
  kind: "command";
  /** Expected exit code, default 0. */
  exitCode?: number;
  check: Check;
}

/**
 * A block that is a file of a project the page builds (package.json, src/index.ts): written to
 * disk for the blocks after it, which are what prove it right (they build and run it).
 */
export interface FileExpectation extends Common {
  kind: "file";
  /** Where it goes in the page's folder; default the block's `title`. */
  path?: string;
  check?: Check;
}

/**
 * A block that shows what the block before it prints. Every non-blank line of it must appear in
 * that block's stdout or stderr (after `normalize`, applied to both).
 */
export interface OutputExpectation extends Common {
  kind: "output";
  /** E.g. replace ports or ids that differ between runs. */
  normalize?: (text: string) => string;
  check?: Check;
}

export type Expectation =
  | ScriptExpectation
  | ProxyConfigExpectation
  | ProxyStartExpectation
  | CommandExpectation
  | FileExpectation
  | OutputExpectation;

export type PageExpectations = Record<string, Expectation>;

/** A check of the whole page, exported as `pageCheck` next to the expectations. */
export type PageCheck = (markdown: string) => void | Promise<void>;

/** The names a page mentions as inline code (`name`). */
export function inlineCode(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!));
}

/** Identity helper that type-checks a page's expectations. */
export function defineExpectations(expectations: PageExpectations): PageExpectations {
  return expectations;
}

export const SCRIPT_LANGS = ["ts", "typescript", "js", "javascript", "mjs", "mts"];
export const SHELL_LANGS = ["bash", "sh", "shell", "zsh"];
export const YAML_LANGS = ["yaml", "yml"];

/** Which kinds a block of this language may have. */
export function kindsFor(lang: string): Expectation["kind"][] {
  if (SCRIPT_LANGS.includes(lang)) return ["script", "file"];
  if (SHELL_LANGS.includes(lang)) return ["command", "proxy-start", "file"];
  if (YAML_LANGS.includes(lang)) return ["proxy-config", "file"];
  return ["file", "output"];
}
