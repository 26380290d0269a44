import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { auth, getJson, referenceReply, sqliteRows, waitFor } from "./helpers/spend.js";
import { azureModel, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/*
 * What the spend store holds when the process stops: drained by SIGTERM, killed by kill -9, and a
 * database that is down (requests are served anyway).
 */

const FLUSH_INTERVAL_MS = 200;
/** Timer lateness and one write: what "one flush interval" needs on a loaded machine. */
const SLACK_MS = 50;

let emu: EmulatorServer;
const dirs: string[] = [];

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply });
});

afterEach(async () => {
  await killAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await emu?.close();
});

function spendFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dheera-durability-"));
  dirs.push(dir);
  return path.join(dir, "spend.sqlite");
}
const model = () => azureModel("gpt-4o", "azure/gpt-4o", emu.url);

async function send(url: string, id: string): Promise<void> {
  const res = await postJson(`${url}/v1/responses`, { model: "gpt-4o", input: "hi" }, { ...auth, "x-request-id": id });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  await res.text();
}

describe("SIGTERM", () => {
  it("writes every pending row before the process exits", async () => {
    const file = spendFile();
    // A flush interval far beyond the test: only the shutdown drain can write these rows.
    const proxy = await spawnProxy(writeConfig(configYaml(model(), `  spend_db_path: ${file}\n  spend_flush_interval_ms: 60000\n`)));
    const n = 30;
    const ids = Array.from({ length: n }, (_, i) => `sigterm-${String(i).padStart(3, "0")}`);
    for (let i = 0; i < n; i += 6) await Promise.all(ids.slice(i, i + 6).map((id) => send(proxy.url, id)));
    expect(sqliteRows(file)).toHaveLength(0); // all still in memory
    proxy.child.kill("SIGTERM");
    expect((await proxy.exited).code).toBe(0);
    expect(sqliteRows(file).map((r) => r.request_id).sort()).toEqual(ids);
    expect(proxy.logs().find((l) => l.msg === "spend writer closed")).toMatchObject({ spend: { written: n, pending: 0, dropped: 0 } });
  });
});

describe("kill -9", () => {
  it("keeps every row acknowledged more than one flush interval before the kill, and loses at most the last batch", async () => {
    const file = spendFile();
    const proxy = await spawnProxy(writeConfig(configYaml(model(), `  spend_db_path: ${file}\n`)));
    const acked = new Map<string, number>();
    let stop = false;
    let seq = 0;
    // Four clients in a loop; the kill lands while requests are still flowing.
    const client = async () => {
      while (!stop) {
        const id = `crash-${String(seq++).padStart(5, "0")}`;
        try {
          await send(proxy.url, id);
          acked.set(id, Date.now());
        } catch {
          return; // the process is gone
        }
      }
    };
    const clients = [client(), client(), client(), client()];
    await new Promise((r) => setTimeout(r, 1200));
    proxy.child.kill("SIGKILL");
    const killedAt = Date.now();
    stop = true;
    await Promise.all(clients);
    await proxy.exited;

    const stored = new Set(sqliteRows(file).map((r) => r.request_id));
    const old = [...acked].filter(([, at]) => killedAt - at > FLUSH_INTERVAL_MS + SLACK_MS);
    const lost = [...acked].filter(([id]) => !stored.has(id));
    const lostAges = lost.map(([, at]) => Math.max(0, killedAt - at));
    console.log(
      `kill -9 after ${acked.size} acknowledged requests: ${stored.size} rows in the SQLite file, ` +
        `${lost.length} acknowledged requests lost (acknowledged ${lostAges.length ? `${Math.min(...lostAges)}-${Math.max(...lostAges)} ms` : "-"} before the kill; ` +
        `flush interval ${FLUSH_INTERVAL_MS} ms)`,
    );
    expect(acked.size).toBeGreaterThan(20);
    expect(old.length).toBeGreaterThan(0);
    expect(old.filter(([id]) => !stored.has(id))).toEqual([]);
    // Nothing is stored that was not sent, and nothing is stored twice.
    expect(sqliteRows(file)).toHaveLength(stored.size);
  });
});

describe("a spend database that is down", () => {
  it("does not fail requests: it logs and counts write errors, retries a bounded number of times, and still exits on SIGTERM", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));

    const url = `postgresql://postgres:s3cret-db-pass@127.0.0.1:${port}/nowhere`;
    const proxy = await spawnProxy(writeConfig(configYaml(model(), `  database_url: ${url}\n`)));
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await send(proxy.url, `db-down-${i}-request`);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    await waitFor(() => proxy.logs().find((l) => l.msg === "spend write failed; will retry"), 3000, "a write error");
    expect(proxy.logs().find((l) => l.msg === "spend store unavailable; requests are served, rows are buffered and retried")).toBeDefined();
    const logs = await getJson<{ error: { code: string } }>(`${proxy.url}/spend/logs`);
    expect(logs.status).toBe(503);
    expect(logs.body.error.code).toBe("spend_store_unavailable");
    // Readiness says so, and still takes traffic.
    const ready = await getJson<Record<string, any>>(`${proxy.url}/health/readiness`, {});
    expect(ready.status).toBe(200);
    expect(ready.body.spend_store).toMatchObject({ backend: "postgres", healthy: false, pending_rows: expect.any(Number) });
    expect(ready.body.spend_store.write_errors).toBeGreaterThan(0);

    proxy.child.kill("SIGTERM");
    expect((await proxy.exited).code).toBe(0);
    const closedLine = proxy.logs().find((l) => l.msg === "spend writer closed") as { spend: { written: number; dropped: number; writeErrors: number } };
    expect(closedLine.spend).toMatchObject({ written: 0, dropped: 5 });
    expect(closedLine.spend.writeErrors).toBeGreaterThan(1);
    expect(proxy.stdout() + proxy.stderr()).not.toContain("s3cret-db-pass");
  });
});
