import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { WireStream, defineProvider, type ResponseObject } from "@dheera/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { callMetadata, createDheera, InvalidRequestError, ProviderNotInstalledError } from "../src/index.js";

// A provider written the way a third party would: the SDK must need nothing else.
function fakeProvider(seen: { settings: unknown[]; bodies: unknown[]; resolves: number }) {
  return defineProvider({
    specificationVersion: "v1",
    id: "fake",
    settingsSchema: z.strictObject({ token: z.string().optional(), region: z.string().optional() }),
    settingKeys: ["token", "region"],
    resolve(reference, settings) {
      seen.resolves++;
      seen.settings.push(settings);
      const response = (text: string): ResponseObject => ({
        id: "resp_1",
        object: "response",
        created_at: 1,
        status: "completed",
        model: reference.model,
        output: [{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text, annotations: [] }] }],
        usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
      });
      return {
        provider: "fake",
        name: reference.model,
        apiBase: "https://fake.example",
        native: { responses: true, chat: false },
        responses: {
          async create(body) {
            seen.bodies.push(body);
            return { status: 200, headers: { "x-request-id": "req_1" }, upstreamRequestId: "req_1", body: response("a") };
          },
          async stream(body) {
            seen.bodies.push(body);
            async function* events() {
              yield { type: "response.created", sequence_number: 0, response: response("") };
              yield { type: "error", sequence_number: 1, error: { message: "boom", code: "server_error", type: "server_error", param: null } };
            }
            return { status: 200, headers: {}, stream: WireStream.fromEvents(events(), { encode: (e) => ({ data: JSON.stringify(e) }) }, () => {}) };
          },
          retrieve: async () => { throw new Error("unused"); },
          delete: async () => { throw new Error("unused"); },
          cancel: async () => { throw new Error("unused"); },
          listInputItems: async () => { throw new Error("unused"); },
        },
      };
    },
  });
}

describe("the SDK with a third-party provider", () => {
  it("splits settings from wire parameters using the provider's settingKeys", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    const response = await dheera.responses({ model: "fake/m1", input: "hi", token: "t", future_param: { x: 1 } });
    expect(seen.settings).toEqual([{ token: "t" }]);
    expect(seen.bodies[0]).toEqual({ model: "fake/m1", input: "hi", future_param: { x: 1 } });
    expect(response.output_text).toBe("a");
    expect(callMetadata(response)).toMatchObject({ provider: "fake", deployment: "m1", upstreamRequestId: "req_1", status: 200 });
  });

  it("resolves a deployment once per model and settings, not per call", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    await dheera.responses({ model: "fake/m1", input: "a", token: "t" });
    await dheera.responses({ model: "fake/m1", input: "b", token: "t" });
    await dheera.responses({ model: "fake/m1", input: "c", token: "other" });
    expect(seen.resolves).toBe(2);
  });

  it("throws on a nested error event mid-stream, after the events before it", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    const stream = await dheera.responses({ model: "fake/m1", input: "a", stream: true });
    const types: string[] = [];
    await expect(async () => {
      for await (const e of stream) types.push(e.type);
    }).rejects.toThrow("boom");
    expect(types).toEqual(["response.created"]);
  });

  it("rejects a wrongly typed parameter with a 400 naming it", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    const error = await dheera.responses({ model: "fake/m1", input: "a", max_output_tokens: "lots" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, param: "max_output_tokens" });
    expect(seen.bodies).toHaveLength(0);
  });

  it("rejects an invalid setting with an error naming the key", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    await expect(dheera.responses({ model: "fake/m1", input: "a", token: 42 })).rejects.toMatchObject({ status: 400, param: "token" });
  });

  it("names a misspelt setting instead of sending it upstream", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    const error = await dheera.responses({ model: "fake/m1", input: "a", tokn: "t" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, param: "tokn", message: "Unknown parameter 'tokn'. Did you mean the fake setting 'token'?" });
    expect(seen.bodies).toHaveLength(0);
  });

  it("names the package to install for an unknown prefix", async () => {
    const dheera = createDheera({ searchFrom: ["/nonexistent"] });
    const error = await dheera.responses({ model: "nosuch/x", input: "a" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderNotInstalledError);
    expect((error as Error).message).toBe('Provider "nosuch" is not installed: none of @dheera/nosuch, dheera-provider-nosuch was found. Run: npm install @dheera/nosuch (or npm install dheera-provider-nosuch for a community provider), or name the package that provides "nosuch" under providers in config.yaml (providerPackages in the SDK).');
  });

  it("loads the package providerPackages names for a prefix, from the project's node_modules", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dheera-sdk-packages-"));
    try {
      const pkgDir = path.join(dir, "node_modules", "@acme", "models");
      mkdirSync(pkgDir, { recursive: true });
      writeFileSync(path.join(pkgDir, "package.json"), JSON.stringify({ name: "@acme/models", version: "1.0.0", type: "module", exports: "./index.js" }));
      writeFileSync(
        path.join(pkgDir, "index.js"),
        `export default { specificationVersion: "v1", id: "acme", settingsSchema: { safeParse: (v) => ({ success: true, data: v }) }, settingKeys: [],
          resolve: (ref) => ({ provider: "acme", name: ref.model, apiBase: "https://acme.test", native: { responses: true, chat: false },
            responses: { create: async () => ({ status: 200, headers: {}, body: { id: "resp_a", object: "response", created_at: 1, status: "completed", model: ref.model,
              output: [{ type: "message", id: "m", role: "assistant", status: "completed", content: [{ type: "output_text", text: "from @acme/models", annotations: [] }] }] } }) } }) };`,
      );
      const dheera = createDheera({ searchFrom: [dir], providerPackages: { acme: "@acme/models" } });
      expect((await dheera.responses({ model: "acme/m1", input: "a" })).output_text).toBe("from @acme/models");
      // Without the map, the conventions are tried and the error names them.
      await expect(createDheera({ searchFrom: [dir] }).responses({ model: "acme/m1", input: "a" })).rejects.toBeInstanceOf(ProviderNotInstalledError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("asks for a provider prefix when the model has none", async () => {
    const dheera = createDheera();
    await expect(dheera.responses({ model: "o1-pro", input: "a" })).rejects.toMatchObject({
      status: 400,
      param: "model",
      message: expect.stringContaining('"azure/o1-pro"'),
    });
  });

  it("refuses chat on a deployment that only serves responses", async () => {
    const seen = { settings: [] as unknown[], bodies: [] as unknown[], resolves: 0 };
    const dheera = createDheera({ providers: [fakeProvider(seen)] });
    await expect(dheera.completion({ model: "fake/m1", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({
      status: 400,
      code: "unsupported_operation",
    });
  });
});
