import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * Clients that send what no SDK would: slow or silent connections, HTTP that Node answers by
 * itself, JSON nested deeper than anything should recurse over, parts the bridge cannot read.
 * Each gets an OpenAI-shaped error with the right status, never a crash, a hang or an echo.
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  emu = await startEmulator();
  const models = [azureModel("gpt-4o", "azure/gpt-4o", emu.url), azureModel("bridge", "azure/responses/gpt-4o", emu.url)].join("\n");
  const limits = "  request_header_timeout_seconds: 1\n  request_body_timeout_seconds: 2\n";
  proxy = await spawnProxy(writeConfig(configYaml(models, limits)));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

/** Raw bytes to the proxy; resolves with everything it answered once it closes (or after `waitMs`). */
function raw(write: (socket: Socket) => void, waitMs = 8000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let text = "";
    const socket = connect(proxy.port, "127.0.0.1", () => write(socket));
    socket.setEncoding("utf8").on("data", (d: string) => (text += d));
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.on("error", () => undefined);
  });
}

function parse(text: string): { status: number; body: { error: { message: string; type: string; code: string | null; param: string | null } } } {
  const [head, body] = text.split("\r\n\r\n");
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head!)?.[1]), body: JSON.parse(body!) };
}

describe("slow and silent clients", () => {
  it("answers 408 in the OpenAI shape to a client that sends its headers too slowly", async () => {
    const { text } = await raw((s) => s.write("POST /v1/responses HTTP/1.1\r\nHost: x\r\n"));
    const { status, body } = parse(text);
    expect(status).toBe(408);
    expect(body.error).toMatchObject({ code: "request_timeout", type: "invalid_request_error" });
  });

  it("answers 408 to a client that sends its body a byte at a time, past the body timeout", async () => {
    const payload = JSON.stringify({ model: "gpt-4o", input: "hi" });
    const { text } = await raw((s) => {
      s.write(`POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MASTER_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`);
      let i = 0;
      const drip = setInterval(() => (i < payload.length && !s.destroyed ? s.write(payload[i++]!) : clearInterval(drip)), 500);
      s.on("close", () => clearInterval(drip));
    });
    expect(parse(text).status).toBe(408);
  });
});

describe("a body over the limit on a connection that closes after the answer", () => {
  it("reaches the client as a 413, every time, while it is still sending (chunked, Connection: close)", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const statuses: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { text } = await raw(async (s) => {
        s.write(`POST /v1/responses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MASTER_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
        s.on("error", () => undefined);
        for (let k = 0; k < 14 && !s.destroyed; k++) {
          s.write(`${chunk.length.toString(16)}\r\n`);
          s.write(chunk);
          if (!s.write("\r\n")) await new Promise((r) => s.once("drain", r).once("close", r));
        }
        if (!s.destroyed) s.write("0\r\n\r\n");
      });
      statuses.push(text.slice(0, 12));
    }
    expect(statuses).toEqual(Array(8).fill("HTTP/1.1 413"));
  });
});

describe("HTTP that Node would answer itself", () => {
  it("answers a request without Host with a 400 OpenAI error", async () => {
    const { text } = await raw((s) => s.write("GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n"));
    const { status, body } = parse(text);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/Host/);
  });

  it("answers Expect: bogus with a 417 OpenAI error", async () => {
    const { text } = await raw((s) => s.write("POST /v1/responses HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));
    const { status, body } = parse(text);
    expect(status).toBe(417);
    expect(body.error.code).toBe("expectation_failed");
  });
});

describe("bodies no parser should recurse over", () => {
  // 5,000 levels in 30 KB: written as text, since JSON.stringify itself cannot go that deep.
  const deep = `${'{"a":'.repeat(5000)}{}${"}".repeat(5000)}`;
  it.each([
    ["tools[].parameters", `{"model":"gpt-4o","input":"hi","tools":[{"type":"function","name":"f","parameters":${deep}}]}`],
    ["text.format.schema", `{"model":"gpt-4o","input":"hi","text":{"format":{"type":"json_schema","name":"s","schema":${deep}}}}`],
  ])("refuses JSON nested 5,000 deep in %s with 400, before anything parses it", async (_where, body) => {
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "json_too_deep", type: "invalid_request_error" } });
  });

  it("answers a bridged image part whose image_url is null with 400, not 500", async () => {
    const res = await postJson(`${proxy.url}/v1/chat/completions`, { model: "bridge", messages: [{ role: "user", content: [{ type: "image_url", image_url: null }] }] }, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_type", param: "image_url" } });
  });

  it("does not echo a 1 MB model name back whole", async () => {
    const model = "m".repeat(1024 * 1024);
    const res = await postJson(`${proxy.url}/v1/responses`, { model, input: "hi" }, auth);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text.length).toBeLessThan(1000);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "model_not_found" } });
  });

  it("sends no previous_response_id upstream that is neither ours nor shaped like an upstream's", async () => {
    const before = emu.emulator.requests.length;
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi", previous_response_id: "../../openai/deployments?x=1" }, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "previous_response_not_found", param: "previous_response_id" } });
    expect(emu.emulator.requests.length).toBe(before);
  });
});

describe("config", () => {
  it("names a duplicated key and both of its lines", async () => {
    const file = writeConfig(`model_list:\n  - model_name: a\n    dheera_ai_params:\n      model: azure/gpt-4o\n      api_key: k\n      api_key: k2\n`);
    const p = await spawnProxy(file, { expectExit: true });
    expect(p.stderr()).toContain(`${file}:6: duplicate key "api_key" (first given on line 5)`);
  });
});

describe("parameters the chat bridge cannot carry", () => {
  const messages = [{ role: "user", content: "hi" }];
  it("refuses them with a 400 naming the parameter, and sends nothing upstream", async () => {
    const before = emu.emulator.requests.length;
    const res = await postJson(`${proxy.url}/v1/chat/completions`, { model: "bridge", messages, stop: ["\n"], seed: 7 }, auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "unsupported_parameter", param: "stop", type: "invalid_request_error" } });
    expect(emu.emulator.requests.length).toBe(before);
  });

  it("drops them under drop_params, says which in x-dheera-dropped-params, JSON and streamed", async () => {
    const json = await postJson(`${proxy.url}/v1/chat/completions`, { model: "bridge", messages, stop: ["\n"], seed: 7, drop_params: true }, auth);
    expect(json.status).toBe(200);
    expect(json.headers.get("x-dheera-dropped-params")).toBe("stop, seed");
    const sent = emu.emulator.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty("stop");
    expect(sent).not.toHaveProperty("drop_params");
    const stream = await postJson(`${proxy.url}/v1/chat/completions`, { model: "bridge", messages, n: 2, stream: true, drop_params: true }, auth);
    expect(stream.headers.get("x-dheera-dropped-params")).toBe("n");
    expect(await stream.text()).toContain("data: [DONE]");
  });

  it("never sends drop_params to a native deployment, which would refuse an unknown parameter", async () => {
    const res = await postJson(`${proxy.url}/v1/chat/completions`, { model: "gpt-4o", messages, stop: ["\n"], drop_params: true }, auth);
    expect(res.status).toBe(200);
    expect(emu.emulator.requests.at(-1)!.body).not.toHaveProperty("drop_params");
    expect(res.headers.get("x-dheera-dropped-params")).toBeNull();
  });
});
