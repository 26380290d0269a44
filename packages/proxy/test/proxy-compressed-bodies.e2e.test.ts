import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { zstdFrame, zstdRaw } from "./helpers/zstd-frame.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * Compressed request bodies (Codex may compress its requests): gzip, br, zstd and deflate are
 * decoded, with the body limit applied to what they decode to; any other encoding is a 415.
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;

beforeAll(async () => {
  emu = await startEmulator();
  proxy = await spawnProxy(writeConfig(configYaml(azureModel("team-gpt", "azure/gpt-4o", emu.url), "  max_request_body_size_mb: 1\n")));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

function post(path: string, body: Buffer, encoding: string): Promise<Response> {
  return fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json", "content-encoding": encoding },
    body: new Uint8Array(body),
  });
}

const request = Buffer.from(JSON.stringify({ model: "team-gpt", input: "Compressed hello" }));
const MB = 1024 * 1024;

describe("compressed request bodies", () => {
  it.each([
    ["gzip", gzipSync(request)],
    ["br", brotliCompressSync(request)],
    ["zstd", zstdRaw(request)],
    ["deflate", deflateSync(request)],
    ["GZIP", gzipSync(request)],
  ])("a %s body is decoded and served", async (encoding, body) => {
    const res = await post("/v1/responses", body, encoding);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain("Compressed hello");
    expect(emu.emulator.requests.at(-1)!.body).toMatchObject({ input: "Compressed hello" });
  });

  it("the limit applies to the decoded size: small bombs are 413, not a full buffer", async () => {
    const inflated = Buffer.alloc(2 * MB, 0x20); // 2 MB of spaces: valid JSON padding, over the 1 MB limit
    const blocks = Array.from({ length: 16 }, () => ({ rle: 0x20, size: 128 * 1024 }));
    for (const [encoding, body] of [
      ["gzip", gzipSync(inflated)],
      ["br", brotliCompressSync(inflated)],
      ["zstd", zstdFrame(blocks)],
    ] as const) {
      expect(body.length).toBeLessThan(64 * 1024);
      const res = await post("/v1/responses", body, encoding);
      expect(res.status, encoding).toBe(413);
      expect(await res.json()).toMatchObject({ error: { code: "request_too_large", type: "invalid_request_error" } });
    }
  });

  it("an encoding it cannot decode is a 415 naming what it takes; a corrupt body a 400", async () => {
    const unknown = await post("/v1/responses", request, "compress");
    expect(unknown.status).toBe(415);
    const body = (await unknown.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unsupported_content_encoding");
    expect(body.error.message).toContain("gzip, br, zstd");
    const corrupt = await post("/v1/chat/completions", Buffer.from("not gzip at all"), "gzip");
    expect(corrupt.status).toBe(400);
    expect(await corrupt.json()).toMatchObject({ error: { code: "invalid_content_encoding", type: "invalid_request_error" } });
  });
});
