import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { SKIP_POSTGRES, SKIP_REASON, createTestDatabase, type TestDatabase } from "./helpers/postgres.js";
import { postJson } from "./helpers/sse.js";
import { REFERENCE_COST, auth, getJson, referenceReply, waitFor } from "./helpers/spend.js";
import { azureModel, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/* Several proxy instances sharing one PostgreSQL spend store (a database of this test's own). */

let emu: EmulatorServer;
let db: TestDatabase | undefined;

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply });
});

afterEach(async () => {
  await killAll();
  await db?.drop();
  db = undefined;
});

afterAll(async () => {
  await emu?.close();
});

describe.skipIf(SKIP_POSTGRES)("PostgreSQL shared by two proxies", () => {
  it("both write rows, either one's /spend/summary sees both, and the migrations ran once", async () => {
    db = await createTestDatabase();
    const config = writeConfig(configYaml(azureModel("gpt-4o", "azure/gpt-4o", emu.url), `  database_url: ${db.url}\n`));
    // Started together: both race for the migrations; the advisory lock lets one apply them.
    const [a, b] = await Promise.all([spawnProxy(config), spawnProxy(config)]);
    const send = async (url: string, id: string) => {
      const res = await postJson(`${url}/v1/responses`, { model: "gpt-4o", input: "hi" }, { ...auth, "x-request-id": id });
      expect(res.status).toBe(200);
      await res.text();
    };
    await Promise.all([
      ...[0, 1, 2].map((i) => send(a.url, `proxy-a-${i}-request`)),
      ...[0, 1, 2, 3].map((i) => send(b.url, `proxy-b-${i}-request`)),
    ]);
    const rows = await waitFor(async () => {
      const r = await db!.query<{ request_id: string }>("SELECT request_id FROM spend_logs");
      return r.length >= 7 ? r : undefined;
    }, 5000, "7 rows");
    expect(rows.filter((r) => r.request_id.startsWith("proxy-a-"))).toHaveLength(3);
    expect(rows.filter((r) => r.request_id.startsWith("proxy-b-"))).toHaveLength(4);

    for (const proxy of [a, b]) {
      const { body } = await getJson<{ total: { requests: number; cost: number } }>(`${proxy.url}/spend/summary`);
      expect(body.total.requests).toBe(7);
      expect(body.total.cost).toBeCloseTo(7 * REFERENCE_COST, 12);
    }
    expect(await db.query("SELECT version FROM schema_migrations ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
    const applied = [a, b].map((p) => (p.logs().find((l) => l.msg === "spend store ready") as { spend: { applied: number[] } } | undefined)?.spend.applied);
    expect(applied.flat().sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

if (SKIP_POSTGRES) {
  describe("PostgreSQL shared by two proxies", () => {
    it.skip(SKIP_REASON, () => undefined);
  });
}
