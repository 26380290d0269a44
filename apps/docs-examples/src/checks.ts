/**
 * Checks a reader would make of a snippet's output, shared by the pages' expectations: the
 * answer's text, the stream events in their order, the chat content, the route the request took.
 */
import type { RecordedRequest } from "@dheera/azure/testing";
import { expect } from "vitest";
import type { RunResult } from "./expectation.js";

type Json = Record<string, unknown>;

/** Every stdout line that is a JSON object, parsed. */
export function jsonLines(stdout: string): Json[] {
  const out: Json[] = [];
  for (const line of stdout.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      out.push(JSON.parse(trimmed) as Json);
    } catch {
      // not a JSON line
    }
  }
  return out;
}

/** The JSON object a command printed as its whole stdout (curl's body). */
export function jsonBody(stdout: string): Json {
  try {
    return JSON.parse(stdout) as Json;
  } catch {
    throw new Error(`expected a JSON body, got:\n${stdout.slice(0, 2000)}`);
  }
}

/**
 * Responses stream events printed one JSON object per line: they start with `response.created`,
 * end with `response.completed`, their `sequence_number`s count up from 0, and the text deltas
 * add up to the text of `response.output_text.done`. Returns the streamed text.
 */
export function expectResponseEvents(stdout: string): string {
  const events = jsonLines(stdout).filter((e) => typeof e.type === "string" && String(e.type).startsWith("response."));
  expect(events.length, `stream events in stdout:\n${stdout.slice(0, 2000)}`).toBeGreaterThan(3);
  expect(events[0]!.type).toBe("response.created");
  expect(events.at(-1)!.type).toBe("response.completed");
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  const text = events
    .filter((e) => e.type === "response.output_text.delta")
    .map((e) => e.delta)
    .join("");
  const done = events.find((e) => e.type === "response.output_text.done");
  if (done) expect(text).toBe(done.text);
  const completed = events.at(-1)!.response as Json;
  expect(completed.status).toBe("completed");
  return text;
}

/** Chat completion chunks printed one JSON object per line; returns the streamed content. */
export function expectChatChunks(stdout: string): string {
  const chunks = jsonLines(stdout).filter((c) => c.object === "chat.completion.chunk");
  expect(chunks.length, `chat chunks in stdout:\n${stdout.slice(0, 2000)}`).toBeGreaterThan(1);
  const choices = chunks.flatMap((c) => (c.choices as Json[]) ?? []);
  const content = choices.map((c) => ((c.delta as Json | undefined)?.content as string | undefined) ?? "").join("");
  expect(choices.some((c) => c.finish_reason === "stop")).toBe(true);
  return content;
}

/** `data: {...}` lines of an SSE body (curl -N), parsed; `[DONE]` left out. */
export function sseData(stdout: string): Json[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("data:") && l.slice(5).trim() !== "[DONE]")
    .map((l) => JSON.parse(l.slice(5)) as Json);
}

export interface UpstreamCall {
  method?: string;
  /** Path as Azure received it, e.g. `/openai/responses`. */
  path?: string;
  /** The Azure resource the snippet addressed, e.g. `dheera_ai8397336933.openai.azure.com`. */
  host?: string;
  query?: Record<string, string>;
  /** Fields the request body must contain (partial match). */
  body?: Json;
  status?: number;
}

/** The requests Azure received while the block ran, in order, matched field by field. */
export function expectUpstream(result: RunResult, calls: UpstreamCall[]): void {
  const seen = result.upstream.map(describe);
  expect(seen, "requests the Azure emulator received").toMatchObject(calls.map((c) => ({ ...c })));
  expect(seen.length, "number of upstream requests").toBe(calls.length);
}

function describe(r: RecordedRequest) {
  return { method: r.method, path: r.path, host: r.headers["x-forwarded-host"], query: r.query, body: r.body, status: r.status };
}

/** The block exited 0 within its time, or the failure shows what it printed. */
export function expectSuccess(result: RunResult, exitCode = 0): void {
  expect(
    { exitCode: result.exitCode, timedOut: result.timedOut },
    `exit code (stdout:\n${result.stdout.slice(-3000)}\nstderr:\n${result.stderr.slice(-3000)})`,
  ).toEqual({ exitCode, timedOut: false });
}

/** The body of `curl -i` output (after the status line and headers). */
export function httpBody(stdout: string): string {
  const at = stdout.search(/\r?\n\r?\n/);
  return at < 0 ? "" : stdout.slice(at).trim();
}
