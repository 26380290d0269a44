import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer, type Fault, type FaultContext } from "./helpers/emulator-server.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * The router through the real proxy process, against emulators that misbehave on purpose: two
 * deployments behind one model_name with a few percent of faults, a deployment that always
 * fails, fallbacks for exhaustion, context length and content filter.
 */

/** A small seeded generator: the same faults every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const FAULTS: Fault[] = ["http_500", "http_429", "reset_before_headers", "reset_mid_body"];
interface Injected {
  fault: Fault;
  stream: boolean;
}

const injected: Injected[] = [];
const random = seeded(20261203);
/** 3.6 % of create requests fail, each way in turn. */
const sometimes = (ctx: FaultContext): Fault | undefined => {
  if (ctx.method !== "POST" || random() >= 0.036) return undefined;
  const fault = FAULTS[injected.length % FAULTS.length]!;
  injected.push({ fault, stream: ctx.body?.stream === true });
  return fault;
};
const badHits: number[] = [];
const alwaysBroken = () => {
  badHits.push(Date.now());
  return "http_500" as const;
};

let east: EmulatorServer;
let west: EmulatorServer;
let broken: EmulatorServer;
let roomy: EmulatorServer;
let left: EmulatorServer;
let right: EmulatorServer;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  east = await startEmulator({}, { fault: sometimes });
  west = await startEmulator({}, { fault: sometimes });
  broken = await startEmulator({}, { fault: alwaysBroken });
  // Answers everything, magic phrases included: the model with the larger context window and a laxer filter.
  roomy = await startEmulator({ reply: () => ({ text: "Answered by the fallback." }) });
  // Two resources: each can decrypt only the reasoning it encrypted.
  left = await startEmulator();
  right = await startEmulator();
  const models = [
    azureModel("gpt-4o", "azure/gpt-4o", east.url, { model_info_id: "east" }),
    azureModel("gpt-4o", "azure/gpt-4o", west.url, { model_info_id: "west" }),
    azureModel("bridge", "azure/responses/gpt-4o", east.url, { model_info_id: "bridge-east" }),
    azureModel("bridge", "azure/responses/gpt-4o", west.url, { model_info_id: "bridge-west" }),
    azureModel("half-broken", "azure/gpt-4o", broken.url, { model_info_id: "bad" }),
    azureModel("half-broken", "azure/gpt-4o", roomy.url, { model_info_id: "good" }),
    azureModel("primary", "azure/gpt-4o", broken.url, { model_info_id: "primary-only" }),
    azureModel("backup", "azure/gpt-4o", roomy.url, { model_info_id: "backup" }),
    azureModel("big", "azure/gpt-4o", roomy.url, { model_info_id: "big" }),
    // A long cooldown of their own, so a slow machine cannot see it end between two requests.
    azureModel("doomed", "azure/gpt-4o", broken.url, { model_info_id: "doomed-1", cooldown_time: 60 }),
    azureModel("doomed", "azure/gpt-4o", broken.url, { model_info_id: "doomed-2", cooldown_time: 60 }),
    azureModel("reasoner", "azure/o1-pro", left.url, { model_info_id: "left" }),
    azureModel("reasoner", "azure/o1-pro", right.url, { model_info_id: "right" }),
    azureModel("mixed", "azure/gpt-4o", left.url, { model_info_id: "mixed-left" }),
    azureModel("mixed", "azure/gpt-4o", right.url, { model_info_id: "mixed-right" }),
  ];
  const router = [
    "router_settings:",
    "  allowed_fails: 3",
    "  cooldown_time: 1",
    "  retry_policy:",
    "    InternalServerErrorRetries: 2",
    "  fallbacks:",
    "    - primary: [backup]",
    "  context_window_fallbacks:",
    "    - gpt-4o: [big]",
    "  content_policy_fallbacks:",
    "    - gpt-4o: [backup]",
  ].join("\n");
  proxy = await spawnProxy(writeConfig(configYaml(models.join("\n"), `${router}\n`)));
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await Promise.all([east, west, broken, roomy, left, right].map((e) => e?.close()));
});

type Outcome = { ok: true; attempts: number } | { ok: false; phase: "http" | "stream"; message: string };

/** One request of the fault run; a failure is "stream" when the answer had started (200 and its headers). */
async function oneRequest(kind: number, i: number): Promise<Outcome> {
  const input = `request ${i}`;
  let started = false;
  try {
    if (kind === 0) {
      const { response } = await client.responses.create({ model: "gpt-4o", input }).withResponse();
      return { ok: true, attempts: Number(response.headers.get("x-dheera-attempts")) };
    }
    if (kind === 1) {
      const stream = await client.responses.create({ model: "gpt-4o", input, stream: true });
      started = true;
      let completed = false;
      for await (const event of stream) {
        if (event.type === "response.completed") completed = true;
      }
      if (!completed) throw new Error("the stream ended without response.completed");
      return { ok: true, attempts: 0 };
    }
    const messages = [{ role: "user" as const, content: input }];
    if (kind === 2) {
      const { response } = await client.chat.completions.create({ model: "bridge", messages }).withResponse();
      return { ok: true, attempts: Number(response.headers.get("x-dheera-attempts")) };
    }
    const stream = await client.chat.completions.create({ model: "bridge", messages, stream: true });
    started = true;
    let finished = false;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.finish_reason) finished = true;
    }
    if (!finished) throw new Error("the stream ended without a finish_reason");
    return { ok: true, attempts: 0 };
  } catch (err) {
    return { ok: false, phase: started ? "stream" : "http", message: (err as Error).message };
  }
}

describe("router: faults behind one model_name", () => {
  it("hides every fault that strikes before the first byte reaches the client (Responses and the chat bridge, JSON and SSE)", async () => {
    const total = 1200;
    const outcomes: Outcome[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < total) {
          const i = next++;
          outcomes.push(await oneRequest(i % 4, i));
        }
      }),
    );
    const failures = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    const midStreamOnStreams = injected.filter((f) => f.fault === "reset_mid_body" && f.stream).length;
    // The run injected each kind of fault.
    expect(injected.length).toBeGreaterThan(20);
    for (const fault of FAULTS) expect(injected.some((f) => f.fault === fault)).toBe(true);
    // Nobody saw an HTTP error; the only failures are streams that broke after their first event.
    expect(failures.filter((f) => f.phase === "http")).toEqual([]);
    expect(failures.length).toBeLessThanOrEqual(midStreamOnStreams);
    // Retried answers say so.
    expect(outcomes.some((o) => o.ok && o.attempts >= 2)).toBe(true);
  }, 60_000); // 1,200 requests on a 2-core machine shared with the other packages' tests
});

describe("router: cooldowns", () => {
  it("sends a deployment that always fails at most allowed_fails + 1 requests per cooldown window, while its sibling serves everything", async () => {
    badHits.length = 0;
    const started = Date.now();
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() - started < 3500) {
          await client.responses.create({ model: "half-broken", input: "hi" }).catch((e: Error) => failures.push(e.message));
        }
      }),
    );
    expect(failures).toEqual([]);
    const perWindow = new Map<number, number>();
    for (const t of badHits) perWindow.set(Math.floor((t - started) / 1000), (perWindow.get(Math.floor((t - started) / 1000)) ?? 0) + 1);
    expect(badHits.length).toBeGreaterThan(0);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(4);
  });

  it("answers at once, naming the model and when it frees up, once every deployment is cooling down", async () => {
    let last: { status?: number; headers?: Headers; error?: { code?: string; message?: string } } = {};
    for (let i = 0; i < 10 && last.error?.code !== "deployments_cooling_down"; i++) {
      last = (await client.responses.create({ model: "doomed", input: "hi" }).catch((e: unknown) => e)) as typeof last;
    }
    expect(last).toMatchObject({ status: 503, error: { code: "deployments_cooling_down" } });
    expect(last.error!.message).toMatch(/^Model 'doomed' is unavailable: All 2 of its deployments are cooling down after failures\. The first is available again in \d+ s\.$/);
    expect(Number(last.headers!.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // While cooling down, the upstream is not asked at all.
    const hits = badHits.length;
    await client.responses.create({ model: "doomed", input: "hi" }).catch(() => undefined);
    expect(badHits.length).toBe(hits);
  });
});

describe("router: fallbacks", () => {
  it("falls back to the next model_name once a model group is exhausted, and says so", async () => {
    const { data, response } = await client.responses.create({ model: "primary", input: "hi" }).withResponse();
    expect(data.output_text).toBe("Answered by the fallback.");
    expect(response.headers.get("x-dheera-fallback-model")).toBe("backup");
    expect(response.headers.get("x-dheera-deployment")).toBe("backup");
    expect(response.headers.get("x-dheera-attempts")).toBe("4");
  });

  it("sends a context-length error to context_window_fallbacks, on both APIs", async () => {
    const { data, response } = await client.responses.create({ model: "gpt-4o", input: "[[context_length_exceeded]]" }).withResponse();
    expect(data.output_text).toBe("Answered by the fallback.");
    expect(response.headers.get("x-dheera-fallback-model")).toBe("big");
    expect(response.headers.get("x-dheera-attempts")).toBe("2");
    const chat = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "[[context_length_exceeded]]" }] }).withResponse();
    expect(chat.data.choices[0]!.message.content).toBe("Answered by the fallback.");
    expect(chat.response.headers.get("x-dheera-fallback-model")).toBe("big");
  });

  it("sends a content-filter refusal to content_policy_fallbacks, streamed too", async () => {
    const stream = await client.responses.create({ model: "gpt-4o", input: "[[content_filter]]", stream: true });
    let text = "";
    for await (const event of stream) if (event.type === "response.output_text.delta") text += event.delta;
    expect(text).toBe("Answered by the fallback.");
  });

  it("answers a context-length error as it is for a model without context_window_fallbacks", async () => {
    const err = await client.responses.create({ model: "bridge", input: "[[context_length_exceeded]]" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, error: { code: "context_length_exceeded", param: "input" } });
  });

  it("records the attempts in the request log line", async () => {
    await client.responses.create({ model: "primary", input: "log me" });
    const line = proxy.logs().findLast((l) => l.msg === "request" && l.model_name === "primary");
    expect(line).toMatchObject({ status: 200, attempts: 4, fallback_model: "backup", deployment: "azure/gpt-4o#7" });
  });
});

describe("GET /health", () => {
  it("probes each deployment of a model and reports it healthy, unhealthy or cooling down (master key only)", async () => {
    const denied = await fetch(`${proxy.url}/health?model=half-broken`);
    expect(denied.status).toBe(401);
    const res = await fetch(`${proxy.url}/health?model=half-broken`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      healthy_endpoints: { deployment_id: string; status: string }[];
      unhealthy_endpoints: { deployment_id: string; status: string; error?: { status: number } }[];
      healthy_count: number;
      unhealthy_count: number;
    };
    expect(body.healthy_endpoints).toMatchObject([{ deployment_id: "good", status: "healthy", model_name: "half-broken", model: "azure/gpt-4o" }]);
    expect(body.unhealthy_endpoints).toHaveLength(1);
    expect(body.unhealthy_endpoints[0]).toMatchObject({ deployment_id: "bad", status: expect.stringMatching(/^(unhealthy|cooling_down)$/), error: { status: 500 } });
    expect([body.healthy_count, body.unhealthy_count]).toEqual([1, 1]);
    expect(JSON.stringify(body)).not.toContain("test-azure-key");
  });

  it("answers an unknown model as OpenAI does", async () => {
    const res = await fetch(`${proxy.url}/health?model=nope`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "model_not_found" } });
  });
});

describe("router: reasoning the client carries itself (store: false, as the Codex CLI sends it)", () => {
  it("keeps every turn that replays encrypted reasoning on the resource that encrypted it, JSON and streamed", async () => {
    type Item = OpenAI.Responses.ResponseInputItem;
    const include: OpenAI.Responses.ResponseIncludable[] = ["reasoning.encrypted_content"];
    const history: Item[] = [{ role: "user", content: "turn 0" }];
    const served: string[] = [];
    for (let turn = 1; turn <= 6; turn++) {
      let output: OpenAI.Responses.ResponseOutputItem[];
      if (turn % 2 === 0) {
        const stream = await client.responses.create({ model: "reasoner", input: history, store: false, include, stream: true });
        let done: OpenAI.Responses.Response | undefined;
        for await (const event of stream) if (event.type === "response.completed") done = event.response;
        output = done!.output;
      } else {
        const { data, response } = await client.responses.create({ model: "reasoner", input: history, store: false, include }).withResponse();
        served.push(response.headers.get("x-dheera-deployment")!);
        output = data.output;
      }
      const reasoning = output.find((item) => item.type === "reasoning")!;
      expect(reasoning.encrypted_content).toMatch(/^dh1~/);
      history.push(reasoning as Item, { role: "user", content: `turn ${turn}` });
    }
    // Round-robin would alternate; the replayed reasoning kept every turn where it began.
    expect(new Set(served).size).toBe(1);
    const upstream = served[0] === "left" ? left : right;
    const other = served[0] === "left" ? right : left;
    const creates = (e: EmulatorServer) => e.emulator.requests.filter((r) => r.route === "responses.create");
    expect(creates(upstream).length).toBe(6);
    expect(creates(other).length).toBe(0);
    // What reached Azure is its own content, without the proxy's mark.
    const last = creates(upstream).at(-1)!.body as { input: { encrypted_content?: string }[] };
    expect(last.input.filter((i) => i.encrypted_content).every((i) => i.encrypted_content!.startsWith("gAAAAA"))).toBe(true);
  });
});

describe("router: a follow-up on another model_name", () => {
  it("goes to that model's deployment on the resource that stores the previous response", async () => {
    const first = await client.responses.create({ model: "reasoner", input: "remember the word 'lantern'" });
    const holder = first.id && (await client.responses.retrieve(first.id).withResponse()).response.headers.get("x-dheera-deployment");
    const resource = holder === "left" ? "mixed-left" : "mixed-right";
    for (let i = 0; i < 4; i++) {
      const { response } = await client.responses.create({ model: "mixed", input: "and now?", previous_response_id: first.id }).withResponse();
      expect(response.headers.get("x-dheera-deployment")).toBe(resource);
    }
  });
});
