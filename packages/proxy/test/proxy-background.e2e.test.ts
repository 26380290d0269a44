import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseSse } from "./helpers/sse.js";
import { waitFor } from "./helpers/spend.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * Background responses: their stream replayed (`GET /v1/responses/{id}?stream=true&starting_after=N`)
 * from the deployment that holds them, and their cost counted once, by the first request that
 * sees one finished (a retrieve, a replay or a cancel), never again by later retrieves.
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  emu = await startEmulator({ backgroundDelayMs: 300 });
  proxy = await spawnProxy(writeConfig(configYaml(azureModel("team-gpt", "azure/gpt-4o", emu.url))));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });

/** A GET of the response: its status and the cost the proxy counted for this request. */
async function retrieve(id: string): Promise<{ status: string; cost: number; usage: unknown }> {
  const res = await fetch(`${proxy.url}/v1/responses/${id}`, { headers: auth });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string; usage: unknown };
  return { status: body.status, cost: Number(res.headers.get("x-dheera-response-cost")), usage: body.usage };
}

/** The log line of a request, once written. */
const logLine = (requestId: string) => waitFor(() => proxy.logs().find((l) => l.msg === "request" && l.request_id === requestId));

describe("background responses", () => {
  it("are priced once, by the first retrieve that sees them completed", async () => {
    const created = await client().responses.create({ model: "team-gpt", input: "Write a long essay in the background", background: true });
    expect(created.status).toBe("queued");
    let seen = await retrieve(created.id);
    const polls: Array<{ status: string; cost: number }> = [seen];
    while (seen.status !== "completed") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await retrieve(created.id);
      polls.push(seen);
    }
    // Every poll before completion cost nothing; the one that saw it completed carries its cost.
    for (const poll of polls.slice(0, -1)) expect(poll.cost).toBe(0);
    expect(seen.cost).toBeGreaterThan(0);
    // Later retrieves show the same usage and count nothing.
    const again = await retrieve(created.id);
    expect(again).toMatchObject({ status: "completed", cost: 0, usage: seen.usage });
  });

  it("replays a background response's stream from starting_after, and a replay that sees the completion first bills it", async () => {
    const created = await client().responses.create({ model: "team-gpt", input: "Replay me", background: true });
    const whole = await fetch(`${proxy.url}/v1/responses/${created.id}?stream=true`, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(await whole.text()).map((e) => JSON.parse(e.data) as { type: string; sequence_number: number; response?: { id: string } });
    expect(events[0]!.type).toBe("response.created");
    expect(events.at(-1)!.type).toBe("response.completed");
    // The proxy's id, not the upstream's, in every lifecycle event.
    expect(events.at(-1)!.response!.id).toBe(created.id);
    const replayLine = await logLine(whole.headers.get("x-request-id")!);
    expect(replayLine).toMatchObject({ stream: true, status: 200 });
    expect(replayLine.cost).toBeGreaterThan(0);

    const after = 3;
    const tail = await fetch(`${proxy.url}/v1/responses/${created.id}?stream=true&starting_after=${after}`, { headers: auth });
    const tailEvents = parseSse(await tail.text()).map((e) => JSON.parse(e.data) as { sequence_number: number });
    expect(tailEvents.map((e) => e.sequence_number)).toEqual(events.filter((e) => e.sequence_number > after).map((e) => e.sequence_number));
    // Already billed by the first replay: this one, and a retrieve, count nothing.
    expect((await logLine(tail.headers.get("x-request-id")!)).cost).toBe(0);
    expect((await retrieve(created.id)).cost).toBe(0);
    // The upstream was asked for the replay with its own id and the same starting point.
    expect(emu.emulator.requests.some((r) => r.method === "GET" && r.query.stream === "true" && r.query.starting_after === String(after))).toBe(true);
  });

  it("a replay of an id no deployment holds is 404, as a retrieve", async () => {
    const res = await fetch(`${proxy.url}/v1/responses/resp_nothing_here?stream=true`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "response_not_found" } });
  });
});
