import { Writable } from "node:stream";
import type { LoggingPayload } from "@dheera/core";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { WebhookSink } from "../src/callbacks/webhook-sink.js";

/* The webhook sink's queue, batches and retries, with a scripted fetch. */

const payload = (n: number) => ({ id: `p${n}` }) as unknown as LoggingPayload;

function scriptedFetch(answers: (number | "network")[]) {
  const calls: string[][] = [];
  const impl = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push((JSON.parse(String(init?.body)) as { id: string }[]).map((p) => p.id));
    const answer = answers.shift() ?? 200;
    if (answer === "network") throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    return new Response("{}", { status: answer });
  }) as typeof fetch;
  return { impl, calls };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const config = (more: Record<string, number> = {}) => ({ type: "webhook" as const, url: "http://127.0.0.1:9/hook?token=abc", ...more });

describe("WebhookSink", () => {
  it("sends batches of batch_size, in order", async () => {
    const { impl, calls } = scriptedFetch([]);
    const sink = new WebhookSink(config({ batch_size: 2, flush_interval_ms: 10 }), capture().logger, impl);
    for (let i = 0; i < 5; i++) sink.send(payload(i));
    // Waits for the batches rather than a fixed time: a loaded machine may take longer.
    await vi.waitFor(() => expect(calls.flat()).toHaveLength(5), { timeout: 5000, interval: 10 });
    expect(calls).toEqual([["p0", "p1"], ["p2", "p3"], ["p4"]]);
    expect(sink.stats).toMatchObject({ sent: 5, queued: 0, dropped: 0 });
  });

  it("retries 5xx, 429 and network errors with backoff, then succeeds", async () => {
    const { impl, calls } = scriptedFetch([500, 429, "network"]);
    const { logger, lines } = capture();
    const sink = new WebhookSink(config({ flush_interval_ms: 5, max_retries: 3 }), logger, impl);
    sink.send(payload(1));
    await vi.waitFor(() => expect(sink.stats.sent).toBe(1), { timeout: 10_000, interval: 20 });
    expect(calls).toEqual([["p1"], ["p1"], ["p1"], ["p1"]]);
    expect(sink.stats).toMatchObject({ sent: 1, failedAttempts: 3, dropped: 0 });
    expect(lines.filter((l) => l.msg === "logging webhook failed; will retry").map((l) => l.status ?? l.error)).toEqual([500, 429, "ECONNREFUSED"]);
    // the token in the URL's query never reaches the logs
    expect(JSON.stringify(lines)).not.toContain("token=abc");
  });

  it("drops a batch after max_retries, and at once on another 4xx", async () => {
    const { impl, calls } = scriptedFetch([503, 503, 400]);
    const { logger, lines } = capture();
    const sink = new WebhookSink(config({ flush_interval_ms: 5, max_retries: 1, batch_size: 1 }), logger, impl);
    sink.send(payload(1));
    sink.send(payload(2));
    await vi.waitFor(() => expect(sink.stats.dropped).toBe(2), { timeout: 10_000, interval: 20 });
    expect(calls).toEqual([["p1"], ["p1"], ["p2"]]);
    expect(sink.stats).toMatchObject({ sent: 0, dropped: 2 });
    expect(lines.filter((l) => l.msg === "logging webhook failed; dropping the batch")).toHaveLength(2);
  });

  it("bounds the queue by max_queue, dropping the oldest with a counted warning", async () => {
    const { impl, calls } = scriptedFetch([]);
    const { logger, lines } = capture();
    const sink = new WebhookSink(config({ flush_interval_ms: 60_000, max_queue: 3, batch_size: 100 }), logger, impl);
    for (let i = 0; i < 7; i++) sink.send(payload(i));
    expect(sink.stats).toMatchObject({ queued: 3, dropped: 4 });
    expect(lines.find((l) => typeof l.msg === "string" && (l.msg as string).startsWith("logging payloads dropped"))).toMatchObject({ dropped: 1 });
    await sink.close(1000);
    expect(calls).toEqual([["p4", "p5", "p6"]]);
    // the later drops are counted in the closing warning
    expect(lines.filter((l) => typeof l.msg === "string" && (l.msg as string).startsWith("logging payloads dropped")).at(-1)).toMatchObject({ dropped_total: 4 });
  });

  it("close() sends what is queued within its deadline and stops accepting", async () => {
    const { impl, calls } = scriptedFetch([]);
    const sink = new WebhookSink(config({ flush_interval_ms: 60_000 }), capture().logger, impl);
    sink.send(payload(1));
    await sink.close(1000);
    sink.send(payload(2));
    await sleep(20);
    expect(calls).toEqual([["p1"]]);
  });
});
