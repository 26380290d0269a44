/** Public types of the Azure OpenAI emulator (`@dheera/azure/testing`). */

/** One emulated Azure deployment. */
export interface EmulatorDeployment {
  /** The underlying model name; defaults to the deployment name. Used in OperationNotSupported messages and chat `model`. */
  model?: string;
  /** Serves the Responses API (default true). */
  supportsResponses?: boolean;
  /** Serves Chat Completions (default true). */
  supportsChat?: boolean;
}

export interface AzureEmulatorOptions {
  /** Keys accepted in the `api-key` header (and as `Authorization: Bearer` on v1 routes). Default `["test-azure-key"]`. */
  apiKeys?: string[];
  /** Entra ID tokens accepted as `Authorization: Bearer <token>` on every route. Default `["test-azure-ad-token"]`. */
  adTokens?: string[];
  /** Deployments by name. Default: see `DEFAULT_EMULATOR_DEPLOYMENTS`. */
  deployments?: Record<string, EmulatorDeployment>;
  /**
   * Serve a deployment of any name (both APIs; a reasoning model when the name says so, like
   * `o3-x`, `my-codex` or `gpt-5-mini`), as the command does so a user's own config works against it. Default
   * false: an unknown name is Azure's `DeploymentNotFound`.
   */
  anyDeployment?: boolean;
  /**
   * Opens the default answer, `<greeting>: <last user text>`. Default `Hello from the Azure
   * emulator (deployment <name>)`; another service's emulator on this engine names itself.
   */
  greeting?: (deployment: string) => string;
  /** Scripts the next answer; return undefined to get the deterministic default. */
  reply?: (context: EmulatorReplyContext) => EmulatorReply | undefined;
  /** Delay between SSE events, in ms (default 0). Useful for abort tests. */
  streamDelayMs?: number;
  /**
   * How long a `background: true` response stays queued before a GET finds it completed, in ms
   * (default 1000: long enough that a create-then-cancel never races it on a loaded machine).
   */
  backgroundDelayMs?: number;
}

export type EmulatorApi = "responses" | "chat";
export type EmulatorSurface = "classic" | "v1";

/** What the `reply` callback sees about the request it answers. */
export interface EmulatorReplyContext {
  api: EmulatorApi;
  surface: EmulatorSurface;
  deployment: string;
  model: string;
  /** The parsed JSON request body. */
  body: Record<string, unknown>;
  /** Text of the last user message ("" when there is none). */
  lastUserText: string;
  /** True when the input answers a tool call (`function_call_output` / a `tool` message). */
  hasToolOutput: boolean;
  /** Names of the function tools offered. */
  toolNames: string[];
  /** The request as recorded (headers redacted). */
  request: RecordedRequest;
}

export interface EmulatorToolCall {
  name: string;
  /** A JSON string, or an object that is serialised. Default `{}`. */
  arguments?: string | Record<string, unknown>;
  callId?: string;
}

/** A scripted answer. Fields left out fall back to the deterministic defaults. */
export interface EmulatorReply {
  /** The assistant text. With `toolCalls`, the message comes first (like a commentary message). */
  text?: string;
  /** Function calls to make instead of (or after) the text. An empty array means "no tool call". */
  toolCalls?: EmulatorToolCall[];
  /** Reasoning summary parts; shown only when the request asks for `reasoning.summary`. */
  reasoningSummary?: string | string[];
  /** Final status. `failed` streams an `error` event + `response.failed` (HTTP 500 without stream). */
  status?: "completed" | "incomplete" | "failed";
  /** Reason for `status: "incomplete"` (default `max_output_tokens`). */
  incompleteReason?: "max_output_tokens" | "content_filter";
  /** Error of a `failed` answer. */
  failure?: { code?: string; message?: string };
  /** Token counts to report instead of the word counts. */
  usage?: { inputTokens?: number; outputTokens?: number; reasoningTokens?: number; cachedTokens?: number };
  /** Answer with this HTTP error instead (JSON body sent as is). */
  error?: { status: number; body: unknown; headers?: Record<string, string> };
  /** Delay before the first byte, in ms. */
  delayMs?: number;
}

/** One request the emulator received, with credentials redacted. */
export interface RecordedRequest {
  method: string;
  /** URL path as received (no query). */
  path: string;
  /** Query parameters; a repeated key keeps its last value. */
  query: Record<string, string>;
  /** Lower-cased header names; `api-key` and `authorization` values are `[REDACTED]`. */
  headers: Record<string, string>;
  /** Whether the credentials were accepted. */
  authOk: boolean;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** Route the request matched (`responses.create`, `chat.create`, …), undefined for a 404 route. */
  route: string | undefined;
  /** HTTP status the emulator answered with. */
  status: number;
}

export interface AzureEmulatorServer {
  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  /** Answers whose client went away before the emulator finished writing them (aborted streams). */
  readonly clientAborts: number;
  /** Ends open streams and closes the server. */
  close(): Promise<void>;
}

export interface AzureEmulatorListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}
