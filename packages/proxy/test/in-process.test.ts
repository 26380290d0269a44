import { request, type ClientRequest } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ProviderRegistry, WireStream, defineProvider, type ResponseObject, type WireStreamResult } from "@dheera/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createProxy, type DheeraProxy } from "../src/server/create-proxy.js";
import pino from "pino";

/*
 * The proxy in process with a made-up provider: nothing here knows Azure, which is the point
 * (providers come from the registry by model prefix). Used for what is hard to provoke through
 * an emulator: backpressure on a huge stream and the upstream's view of a client abort.
 */

const state = { pulled: 0, aborted: false };
/** Streams of the `fake/held` model: each sends its first event, then waits for its client to leave. */
const held: (() => void)[] = [];
const CHUNK = "x".repeat(64 * 1024);

const response = (id: string): ResponseObject => ({ id, object: "response", created_at: 1, model: "m", output: [], status: "completed" });

/** A stream that sends `first`, then waits for its client to leave (`fake/held`). */
function heldStream<E>(first: string): WireStreamResult<E> {
  let leave = () => {};
  const gone = new Promise<void>((resolve) => (leave = resolve));
  held.push(leave);
  async function* body() {
    yield new TextEncoder().encode(first);
    await gone;
  }
  return { status: 200, headers: {}, stream: WireStream.fromSse<E>(body(), leave) };
}

const fake = defineProvider({
  specificationVersion: "v1",
  id: "fake",
  settingsSchema: z.strictObject({ api_base: z.string().optional() }),
  settingKeys: ["api_base"],
  resolve(reference, settings) {
    return {
      provider: "fake",
      name: reference.model,
      apiBase: settings.api_base ?? "http://fake.invalid",
      native: { responses: true, chat: reference.model === "held" },
      ...(reference.model === "held"
        ? {
            chat: {
              create: async () => {
                throw new Error("streams only");
              },
              stream: async () => heldStream(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })}\n\n`),
            },
          }
        : {}),
      responses: {
        create: async () => ({ status: 200, headers: {}, body: response(`resp_${reference.model}`) }),
        async stream() {
          if (reference.model === "held") return heldStream(`event: response.created\ndata: ${JSON.stringify({ type: "response.created", sequence_number: 0, response: response("resp_up") })}\n\n`);
          state.pulled = 0;
          state.aborted = false;
          const encoder = new TextEncoder();
          async function* body() {
            yield encoder.encode(`event: response.created\ndata: ${JSON.stringify({ type: "response.created", sequence_number: 0, response: response("resp_up") })}\n\n`);
            for (let i = 1; i <= 1000; i++) {
              state.pulled++;
              yield encoder.encode(`event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${i},"delta":"${CHUNK}"}\n\n`);
              await new Promise((r) => setImmediate(r));
            }
          }
          return { status: 200, headers: {}, stream: WireStream.fromSse(body(), () => (state.aborted = true)) };
        },
        retrieve: async (id) => ({ status: 200, headers: {}, body: response(id) }),
        delete: async (id) => ({ status: 200, headers: {}, body: { id, object: "response", deleted: true } }),
        cancel: async (id) => ({ status: 200, headers: {}, body: response(id) }),
        listInputItems: async () => ({ status: 200, headers: {}, body: { object: "list", data: [], has_more: false } }),
      },
    };
  },
});

let proxy: DheeraProxy | undefined;
afterEach(async () => {
  await proxy?.shutdown(100);
  proxy = undefined;
});

async function start(config: unknown) {
  const registry = new ProviderRegistry([]);
  registry.register(fake);
  // An in-memory spend store: nothing is written into the working directory.
  const withStore = { ...(config as object), general_settings: { spend_db_path: ":memory:" } };
  proxy = await createProxy(withStore, { registry, env: {}, logger: pino({ enabled: false }) });
  return proxy.listen(0, "127.0.0.1");
}

describe("in process, with any provider", () => {
  it("serves a config given as an object, with ids routed by deployment", async () => {
    const { url } = await start({ model_list: [{ model_name: "m", dheera_ai_params: { model: "fake/one" } }] });
    const res = await fetch(`${url}/v1/responses`, { method: "POST", body: JSON.stringify({ model: "m", input: "hi" }) });
    const body = (await res.json()) as { id: string };
    expect(res.status).toBe(200);
    const again = await fetch(`${url}/v1/responses/${body.id}`);
    expect(((await again.json()) as { id: string }).id).toBe(body.id);
  });

  it("reads the upstream only as fast as the client takes the stream (backpressure), and aborts it when the client leaves", async () => {
    const { url } = await start({ model_list: [{ model_name: "m", dheera_ai_params: { model: "fake/big" } }] });
    await new Promise<void>((resolve, reject) => {
      const req = request(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.once("data", () => {
          res.pause();
          setTimeout(() => {
            // 1000 events of 64 KB are waiting; a stalled client must hold the upstream back
            expect(state.pulled).toBeGreaterThan(0);
            expect(state.pulled).toBeLessThan(500);
            res.destroy();
            setTimeout(() => {
              expect(state.aborted).toBe(true);
              resolve();
            }, 100);
          }, 400);
        });
      });
      req.on("error", (err) => (state.aborted ? undefined : reject(err)));
      req.end(JSON.stringify({ model: "m", input: "big", stream: true }));
    });
  });
});

describe("open streams", () => {
  /**
   * Opens a stream with `inputBytes` of input and resolves once its first bytes arrived, leaving
   * it open. The body is made where no closure keeps it: only the proxy could hold it then.
   */
  const openStream = (url: string, path: string, inputBytes: number) =>
    new Promise<ClientRequest>((resolve, reject) => {
      const req = request(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.once("data", () => resolve(req));
        res.on("error", () => {});
      });
      req.on("error", reject);
      const input = "x".repeat(inputBytes);
      req.end(JSON.stringify(path === "/v1/responses" ? { model: "m", input, stream: true } : { model: "m", messages: [{ role: "user", content: input }], stream: true }));
    });

  it.each(["/v1/responses", "/v1/chat/completions"])("keeps no started stream's request (%s): a long conversation is not held for as long as its answer streams", async (path) => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const { url } = await start({ model_list: [{ model_name: "m", dheera_ai_params: { model: "fake/held" } }] });
    const heapAfterGc = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      return process.memoryUsage().heapUsed;
    };
    const MB = 1024 * 1024;
    const open: ClientRequest[] = [];
    // One stream first: what loads on first use is not counted below.
    open.push(await openStream(url, path, 4));
    const before = await heapAfterGc();
    for (let i = 0; i < 8; i++) open.push(await openStream(url, path, 2 * MB + i));
    const grown = (await heapAfterGc()) - before;
    // Eight requests of 2 MB each: held until their streams end, they would be 16 MB.
    expect(grown).toBeLessThan(8 * MB);
    for (const req of open) req.destroy();
    for (const leave of held.splice(0)) leave();
  });
});

describe("malformed HTTP", () => {
  it("answers bytes that are not HTTP with an OpenAI error body", async () => {
    const { connect } = await import("node:net");
    const { port } = await start({ model_list: [{ model_name: "m", dheera_ai_params: { model: "fake/one" } }] });
    const reply = await new Promise<string>((resolve) => {
      let out = "";
      const socket = connect(port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"));
      socket.setEncoding("utf8").on("data", (d: string) => (out += d));
      socket.on("close", () => resolve(out));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toMatch(/x-request-id: req_/);
    expect(reply).toContain('"code":"bad_http_request"');
  });
});
