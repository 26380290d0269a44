import type { AzureEmulator } from "./azure-emulator.js";

/** Helpers for the emulator's own tests: in-process calls and SSE parsing. */

export const AZURE_BASE = "https://res.openai.azure.com";
export const API_KEY = "test-azure-key";
export const RESPONSES_VERSION = "2025-03-01-preview";
export const RESPONSES_URL = `/openai/responses?api-version=${RESPONSES_VERSION}`;
export const chatUrl = (deployment: string, version = "2024-10-21") =>
  `/openai/deployments/${deployment}/chat/completions?api-version=${version}`;

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as is). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Drop the default api-key header. */
  noAuth?: boolean;
}

export async function call(emulator: AzureEmulator, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(options.noAuth ? {} : { "api-key": API_KEY }), ...options.headers };
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await emulator.handle(new Request(AZURE_BASE + path, { method, headers, body }));
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const post = (emulator: AzureEmulator, path: string, body: unknown, options: Omit<CallOptions, "body"> = {}) =>
  call(emulator, "POST", path, { ...options, body });

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Splits an SSE body into events (`event:` + `data:` lines). */
export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      return { event, data: data.join("\n") };
    });
}

export const sseJson = (text: string): any[] => parseSse(text).filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
