import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { SKIP_REDIS, startTestRedis, type TestRedis } from "./helpers/redis.js";
import { postJson } from "./helpers/sse.js";
import { auth } from "./helpers/spend.js";
import { azureModel, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/*
 * Two replicas on one Redis: a deployment that one replica cools down is left out by the other
 * from its next request, without failing there first.
 */

let emu: EmulatorServer;
let redis: TestRedis;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  emu = await startEmulator();
  if (!SKIP_REDIS) redis = await startTestRedis();
});

afterAll(async () => {
  await killAll();
  await emu?.close();
  await redis?.stop();
});

describe.skipIf(SKIP_REDIS)("cooldowns shared through Redis", () => {
  it("a deployment cooling down on one replica is skipped by the other, and by one that starts later", async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const config = writeConfig(
      configYaml(
        [azureModel("gpt-4o", "azure/gpt-4o", dead, { model_info_id: "dead" }), azureModel("gpt-4o", "azure/gpt-4o", emu.url, { model_info_id: "alive" })].join("\n"),
        `  spend_db_path: ":memory:"\n  redis_url: ${redis.url}\n  redis_key_prefix: "${redis.prefix}"\nrouter_settings:\n  routing_strategy: round-robin\n  allowed_fails: 0\n  cooldown_time: 60\n`,
      ),
    );
    const [a, b] = await Promise.all([spawnProxy(config), spawnProxy(config)]);
    const ask = async (url: string) => {
      const res = await postJson(`${url}/v1/responses`, { model: "gpt-4o", input: "hi" }, auth);
      await res.text();
      return { status: res.status, attempts: res.headers.get("x-dheera-attempts"), deployment: res.headers.get("x-dheera-deployment") };
    };
    // Replica a meets the dead deployment (round-robin reaches it within two calls) and cools it down.
    const first = [await ask(a.url), await ask(a.url)];
    expect(first.every((r) => r.status === 200 && r.deployment === "alive")).toBe(true);
    expect(first.some((r) => r.attempts === "2")).toBe(true);

    // Replica b never tries it: every call is answered at the first attempt, by the live one.
    await new Promise((r) => setTimeout(r, 200));
    const second = [];
    for (let i = 0; i < 4; i++) second.push(await ask(b.url));
    expect(second).toEqual(Array.from({ length: 4 }, () => ({ status: 200, attempts: "1", deployment: "alive" })));

    // A replica started now reads the running cooldown when it connects.
    const c = await spawnProxy(config);
    await new Promise((r) => setTimeout(r, 200));
    const third = [];
    for (let i = 0; i < 2; i++) third.push(await ask(c.url));
    expect(third.map((r) => r.attempts)).toEqual(["1", "1"]);
  });
});
