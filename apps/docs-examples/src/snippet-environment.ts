/**
 * The environment every snippet and `dheera_ai` process runs in: the variables the docs tell a
 * reader to set, filled with the emulator's values, and nothing from the caller's own Azure or
 * proxy settings.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The preload that routes Azure hosts to the emulator and `localhost:4000` to the page's proxy. */
export const PRELOAD = path.join(here, "preload.mjs");

/** Models the docs' local servers serve (vLLM's Hugging Face names, Ollama's tags). */
export const LOCAL_MODELS = ["Qwen/Qwen3-8B", "meta-llama/Llama-3.1-8B-Instruct", "llama3.2", "deepseek-r1:8b"];

/** Keys the docs' snippets send to Azure; the emulator accepts each of them. */
export const AZURE_KEYS = ["test-azure-key", "my-api-key"];

/** What the docs tell a reader to put in their environment, with working values. */
export const READER_ENV: Record<string, string> = {
  AZURE_API_KEY: "test-azure-key",
  AZURE_RESPONSES_OPENAI_API_KEY: "test-azure-key",
  AZURE_API_BASE: "https://my-resource.openai.azure.com",
  AZURE_AD_TOKEN: "test-azure-ad-token",
  // The proxy's key as a client sends it; pages that configure a master key use the same value.
  DHEERA_AI_MASTER_KEY: "sk-1234",
  // OpenAI's key, which the page's OpenAI emulator accepts.
  OPENAI_API_KEY: "sk-test-openai-key",
  // The example provider of docs/providers/writing-a-provider.md.
  EXAMPLE_API_KEY: "test-azure-key",
};

/** Variables of the caller that are passed on; everything else (AZURE_*, OPENAI_*, proxies, ...) is dropped. */
const PASSED_ON = ["PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "USER", "SHELL", "SystemRoot"];

export interface EnvironmentOptions {
  /** Folder with the `dheera_ai` command, put first on PATH. */
  binDir: string;
  /** Holds the `.curlrc` that sends `localhost:4000` to the page's proxy. */
  curlHome: string;
  emulatorUrl: string;
  /** The page's OpenAI emulator (api.openai.com) and chat-only local server (localhost:8000, :11434). */
  openaiUrl: string;
  localUrl: string;
  proxyUrl: string | undefined;
  extra?: Record<string, string>;
}

export function snippetEnvironment(options: EnvironmentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ON) if (process.env[name] !== undefined) env[name] = process.env[name];
  env.PATH = [options.binDir, path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter);
  return {
    ...env,
    ...READER_ENV,
    NODE_OPTIONS: `--import=${pathToFileURL(PRELOAD).href}`,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    CURL_HOME: options.curlHome,
    DOCS_EXAMPLES_EMULATOR_URL: options.emulatorUrl,
    DOCS_EXAMPLES_OPENAI_URL: options.openaiUrl,
    DOCS_EXAMPLES_LOCAL_URL: options.localUrl,
    // Every process exits when the runner is gone, even if the runner was killed with SIGKILL.
    DOCS_EXAMPLES_RUNNER_PID: String(process.pid),
    ...(options.proxyUrl ? { DOCS_EXAMPLES_PROXY_URL: options.proxyUrl } : {}),
    ...options.extra,
  };
}

/**
 * curl reads `$CURL_HOME/.curlrc` before its arguments: `connect-to` sends `localhost:4000` to
 * the page's proxy without changing the command, and `write-out` reports each status on stderr.
 */
export function curlrc(proxyPort: number | undefined): string {
  const port = proxyPort ?? 9; // discard port: nothing listens, so curl fails like without a proxy
  return [
    `connect-to = "localhost:4000:127.0.0.1:${port}"`,
    `connect-to = "127.0.0.1:4000:127.0.0.1:${port}"`,
    `connect-to = "0.0.0.0:4000:127.0.0.1:${port}"`,
    `no-progress-meter`,
    `write-out = "%{stderr}${STATUS_MARK}%{http_code}\\n"`,
    ``,
  ].join("\n");
}

export const STATUS_MARK = "docs-examples: HTTP ";

export function curlStatuses(stderr: string): number[] {
  const out: number[] = [];
  for (const line of stderr.split("\n")) if (line.startsWith(STATUS_MARK)) out.push(Number(line.slice(STATUS_MARK.length)));
  return out;
}
