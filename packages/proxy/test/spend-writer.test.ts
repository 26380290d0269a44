import pino from "pino";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { SpendRow } from "../src/spend/spend-row.js";
import type { SpendStore } from "../src/spend/spend-store.js";
import { SpendWriter } from "../src/spend/spend-writer.js";

/* The spend writer's batching, retries and bounds, against a store that fails on demand. */

function row(n: number): SpendRow {
  return {
    id: `row-${n}`,
    request_id: `req-${n}`,
    created_at: new Date(1_700_000_000_000 + n).toISOString(),
    call_type: "responses",
    model_name: "m",
    deployment: "fake/m#0",
    provider: "fake",
    api_key_hash: null,
    input_tokens: 1,
    cached_input_tokens: 0,
    output_tokens: 1,
    reasoning_tokens: 0,
    total_tokens: 2,
    cost: 0,
    status: 200,
    latency_ms: 1,
    stream: false,
    error_code: null,
    attempts: 1,
    price_source: "genai-prices:azure",
    key_id: null,
    key_alias: null,
    team_id: null,
  };
}

function fakeStore(failures: number) {
  const batches: string[][] = [];
  let left = failures;
  let migrations = 0;
  const store: SpendStore = {
    backend: "sqlite",
    location: ":fake:",
    async migrate() {
      migrations++;
      return { version: 2, applied: [] };
    },
    async insert(rows) {
      if (left > 0) {
        left--;
        throw Object.assign(new Error("connect ECONNREFUSED postgresql://u:pw-123456789@db"), { code: "ECONNREFUSED" });
      }
      batches.push(rows.map((r) => r.id));
    },
    logs: async () => [],
    summary: async () => ({ total: {} as never, by_model: [], by_api_key: [] }),
    close: async () => undefined,
  };
  return { store, batches, migrations: () => migrations };
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

describe("SpendWriter", () => {
  it("writes rows in one batch after the flush interval, not per request", async () => {
    const { store, batches } = fakeStore(0);
    const writer = new SpendWriter(store, capture().logger, { flushIntervalMs: 30 });
    for (let i = 0; i < 5; i++) writer.add(row(i));
    expect(batches).toEqual([]);
    await sleep(80);
    expect(batches).toEqual([["row-0", "row-1", "row-2", "row-3", "row-4"]]);
    expect(writer.stats).toMatchObject({ written: 5, pending: 0 });
  });

  it("writes at once when a batch is full", async () => {
    const { store, batches } = fakeStore(0);
    const writer = new SpendWriter(store, capture().logger, { flushIntervalMs: 10_000, batchSize: 3 });
    for (let i = 0; i < 3; i++) writer.add(row(i));
    await sleep(20);
    expect(batches).toEqual([["row-0", "row-1", "row-2"]]);
    await writer.close(100);
  });

  it("retries a failed batch with backoff, logging and counting each error, the database URL redacted", async () => {
    const { store, batches } = fakeStore(2);
    const { logger, lines } = capture();
    const writer = new SpendWriter(store, logger, { flushIntervalMs: 10, firstBackoffMs: 5, redact: (t) => t.replaceAll("pw-123456789", "[REDACTED]") });
    writer.add(row(1));
    await sleep(150);
    expect(batches).toEqual([["row-1"]]);
    expect(writer.stats).toMatchObject({ written: 1, writeErrors: 2, dropped: 0 });
    const errors = lines.filter((l) => l.msg === "spend write failed; will retry");
    expect(errors).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain("pw-123456789");
    expect(lines.some((l) => l.msg === "spend store reachable again")).toBe(true);
  });

  it("drops a batch after its last attempt, counted, and goes on with the next rows", async () => {
    const { store, batches } = fakeStore(3);
    const { logger, lines } = capture();
    const writer = new SpendWriter(store, logger, { flushIntervalMs: 5, firstBackoffMs: 5, maxAttempts: 3 });
    writer.add(row(1));
    await sleep(100);
    expect(writer.stats).toMatchObject({ written: 0, writeErrors: 3, dropped: 1, pending: 0 });
    expect(lines.some((l) => l.msg === "spend write failed; dropping the batch")).toBe(true);
    writer.add(row(2));
    await sleep(30);
    expect(batches).toEqual([["row-2"]]);
  });

  it("keeps a bounded buffer while the store is down: the oldest rows go, with a counted warning", async () => {
    const { store, batches } = fakeStore(1);
    const { logger, lines } = capture();
    const writer = new SpendWriter(store, logger, { flushIntervalMs: 10_000, firstBackoffMs: 5, maxBuffer: 3 });
    for (let i = 0; i < 5; i++) writer.add(row(i));
    expect(writer.stats).toMatchObject({ pending: 3, dropped: 2 });
    expect(lines.find((l) => typeof l.msg === "string" && (l.msg as string).startsWith("spend rows dropped"))).toMatchObject({ spend: { dropped: 1 } });
    await writer.close(1000);
    expect(batches).toEqual([["row-2", "row-3", "row-4"]]);
    expect(lines.find((l) => l.msg === "spend writer closed")).toMatchObject({ spend: { written: 3, dropped: 2 } });
  });

  it("runs the migrations before the first write when the store was down at start", async () => {
    const fake = fakeStore(0);
    let down = true;
    const store: SpendStore = {
      ...fake.store,
      migrate: async () => {
        if (down) throw new Error("ECONNREFUSED");
        return fake.store.migrate();
      },
    };
    const writer = new SpendWriter(store, capture().logger, { flushIntervalMs: 10 });
    await writer.start();
    down = false;
    writer.add(row(1));
    await sleep(60);
    expect(fake.migrations()).toBe(1);
    expect(fake.batches).toEqual([["row-1"]]);
  });

  it("close() writes what is pending and ignores rows added afterwards", async () => {
    const { store, batches } = fakeStore(0);
    const writer = new SpendWriter(store, capture().logger, { flushIntervalMs: 10_000 });
    writer.add(row(1));
    writer.add(row(2));
    await writer.close(1000);
    writer.add(row(3));
    expect(batches).toEqual([["row-1", "row-2"]]);
  });
});
