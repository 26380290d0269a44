import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { SpendRow } from "../src/spend/spend-row.js";
import type { SpendWorkerReply } from "../src/spend/spend-worker.js";
import { sqliteRows } from "./helpers/spend.js";

// The worker as the built CLI loads it: dist/spend-worker.js, next to the bundles (run tsup first).
const WORKER = fileURLToPath(new URL("../dist/spend-worker.js", import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), "dheera-spend-worker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (id: string, stream: boolean): SpendRow => ({
  id,
  request_id: `req_${id}`,
  created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, Number(id))).toISOString(),
  call_type: "responses",
  model_name: "gpt-4o",
  deployment: "d1",
  provider: "azure",
  api_key_hash: "0123456789abcdef",
  input_tokens: 10,
  cached_input_tokens: 0,
  output_tokens: 5,
  reasoning_tokens: 0,
  total_tokens: 15,
  cost: 0.001,
  status: 200,
  latency_ms: 12.5,
  stream,
  error_code: null,
  attempts: 1,
  price_source: "genai-prices:azure",
  key_id: null,
  key_alias: null,
  team_id: null,
});

describe.skipIf(!existsSync(WORKER))("spend worker (dist/spend-worker.js)", () => {
  it("owns the connection: migrates, commits each batch before replying, answers queries, closes", async () => {
    const file = path.join(dir, "spend.sqlite");
    const worker = new Worker(WORKER, { workerData: { location: file, checkpointIntervalMs: 50 } });
    const replies = new Map<number, (r: SpendWorkerReply) => void>();
    const ready = new Promise<SpendWorkerReply>((resolve) => replies.set(0, resolve));
    worker.on("message", (r: SpendWorkerReply) => replies.get(r.id)?.(r));
    let next = 1;
    const call = (op: string, ...args: unknown[]) =>
      new Promise<SpendWorkerReply>((resolve) => {
        const id = next++;
        replies.set(id, resolve);
        worker.postMessage({ id, op, args });
      });
    try {
      expect(await ready).toMatchObject({ ok: true, value: "ready" });
      expect(await call("migrate")).toMatchObject({ ok: true, value: { applied: expect.any(Array) } });
      expect(await call("insert", [row("1", false), row("2", true)])).toMatchObject({ ok: true });
      // Committed when the reply arrives: another connection sees the rows.
      expect(sqliteRows(file).map((r) => r.request_id).sort()).toEqual(["req_1", "req_2"]);
      const logs = (await call("logs", { from: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)) }, 10)) as { ok: true; value: SpendRow[] };
      expect(logs.value.map((r) => [r.id, r.stream])).toEqual([["2", true]]);
      const summary = (await call("summary", {})) as { ok: true; value: { total: { requests: number } } };
      expect(summary.value.total.requests).toBe(2);
      expect(await call("insert", [{ ...row("3", false), status: { not: "bindable" } }])).toMatchObject({ ok: false, error: { message: expect.any(String) } });
      await new Promise((r) => setTimeout(r, 120));
      expect(await call("close")).toMatchObject({ ok: true });
    } finally {
      await worker.terminate();
    }
  });

  it("reports a file that cannot be opened instead of ready", async () => {
    const worker = new Worker(WORKER, { workerData: { location: path.join(dir, "missing", "x.sqlite"), checkpointIntervalMs: 50 } });
    try {
      const first = await new Promise<SpendWorkerReply>((resolve) => worker.once("message", resolve));
      expect(first).toMatchObject({ id: 0, ok: false, error: { message: expect.any(String) } });
    } finally {
      await worker.terminate();
    }
  });
});
