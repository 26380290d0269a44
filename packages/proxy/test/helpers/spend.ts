import Database from "better-sqlite3";
import { MASTER_KEY } from "./spawn-proxy.js";

/** Reading what a proxy wrote, and waiting for it. */

export const auth = { authorization: `Bearer ${MASTER_KEY}` };

export interface RowLike {
  request_id: string;
  created_at: string;
  call_type: string;
  model_name: string;
  deployment: string | null;
  api_key_hash: string | null;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  status: number;
  stream: boolean;
  latency_ms: number;
  error_code: string | null;
  price_source: string | null;
}

/** Every row of a SQLite spend file, opened read-only (the proxy may still hold it). */
export function sqliteRows(file: string): RowLike[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT * FROM spend_logs ORDER BY created_at").all() as Record<string, unknown>[]).map((r) => ({ ...(r as unknown as RowLike), stream: r.stream === 1 }));
  } finally {
    db.close();
  }
}

export function sqliteMigrations(file: string): { version: number; name: string; applied_at: string }[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all() as { version: number; name: string; applied_at: string }[];
  } finally {
    db.close();
  }
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 3000, what = "the condition"): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** GET a spend route with the master key. */
export async function getJson<T = Record<string, unknown>>(url: string, headers: Record<string, string> = auth): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as T };
}

/** A model_list entry (from azureModel) with a model_info block. */
export function withModelInfo(entry: string, info: Record<string, string | number>): string {
  return [entry, "    model_info:", ...Object.entries(info).map(([k, v]) => `      ${k}: ${v}`)].join("\n");
}

/**
 * The emulator answers every turn with the reference's usage (1000 input tokens of which 200
 * cached, 500 output): at gpt-4o prices that is the reference's $0.00725. Magic phrases
 * (`[[rate_limit]]`, ...) keep their behaviour.
 */
export const REFERENCE_USAGE = { inputTokens: 1000, cachedTokens: 200, outputTokens: 500 };
export const REFERENCE_COST = 0.00725;
export const referenceReply = (ctx: { lastUserText: string }) => (ctx.lastUserText.includes("[[") ? undefined : { usage: REFERENCE_USAGE });

/** The log line of one request, once the proxy has written it. */
export function requestLine(logs: () => Record<string, unknown>[], requestId: string, timeoutMs = 3000): Promise<Record<string, unknown>> {
  return waitFor(() => logs().find((l) => l.msg === "request" && l.request_id === requestId), timeoutMs, `the log line of ${requestId}`);
}

/** Reads a whole SSE response body. */
export async function drain(res: Response): Promise<string> {
  return res.text();
}
