import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { MASTER_KEY, killAll, spawnProxy } from "./helpers/spawn-proxy.js";

/*
 * Provider packages published by anyone, found the way a user's project holds them: a package
 * named in config.yaml's `providers:`, and one named by the community convention
 * `dheera-provider-<prefix>`, each in the project's node_modules next to config.yaml.
 */

const scratch = mkdtempSync(path.join(tmpdir(), "dheera-provider-packages-"));
afterEach(() => killAll());
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A provider plugin whose deployments answer every Response with a fixed text naming the package. */
const pluginSource = (id: string, text: string) => `
export default {
  specificationVersion: "v1",
  id: ${JSON.stringify(id)},
  settingsSchema: { safeParse: (value) => ({ success: true, data: value }) },
  settingKeys: ["api_key"],
  resolve(reference) {
    const response = (request) => ({
      id: "resp_" + Math.random().toString(16).slice(2),
      object: "response",
      created_at: 1700000000,
      status: "completed",
      model: reference.model,
      output: [{ type: "message", id: "msg_1", status: "completed", role: "assistant", content: [{ type: "output_text", text: ${JSON.stringify(text)}, annotations: [] }] }],
      usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
    });
    return {
      provider: ${JSON.stringify(id)},
      name: reference.model,
      apiBase: "https://models.example.test",
      native: { responses: true, chat: false },
      responses: {
        create: async (request) => ({ status: 200, headers: {}, body: response(request) }),
        stream: async () => { throw new Error("not streamed here"); },
        retrieve: async () => { throw new Error("no"); },
        delete: async () => { throw new Error("no"); },
        cancel: async () => { throw new Error("no"); },
        listInputItems: async () => { throw new Error("no"); },
      },
    };
  },
};
`;

function projectWith(packages: Record<string, string>, config: string): string {
  const dir = mkdtempSync(path.join(scratch, "project-"));
  for (const [name, source] of Object.entries(packages)) {
    const pkgDir = path.join(dir, "node_modules", ...name.split("/"));
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(path.join(pkgDir, "package.json"), JSON.stringify({ name, version: "1.0.0", type: "module", exports: { ".": "./index.js" } }));
    writeFileSync(path.join(pkgDir, "index.js"), source);
  }
  writeFileSync(path.join(dir, "config.yaml"), config);
  return dir;
}

const modelEntry = (name: string, model: string) => `  - model_name: ${name}\n    dheera_ai_params:\n      model: ${model}\n      api_key: k\n`;

describe("provider packages outside @dheera", () => {
  it("loads the package config.yaml names for a prefix, and a dheera-provider-<prefix> package by convention", async () => {
    const dir = projectWith(
      { "@acme/gateway-provider": pluginSource("acme", "answered by @acme/gateway-provider"), "dheera-provider-labs": pluginSource("labs", "answered by dheera-provider-labs") },
      `model_list:\n${modelEntry("acme-model", "acme/m1")}${modelEntry("labs-model", "labs/m2")}providers:\n  acme: "@acme/gateway-provider"\ngeneral_settings:\n  master_key: ${MASTER_KEY}\n  disable_spend_logs: true\n`,
    );
    const proxy = await spawnProxy(path.join(dir, "config.yaml"), { cwd: dir });
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["acme-model", "labs-model"]);
    expect((await client.responses.create({ model: "acme-model", input: "hi" })).output_text).toBe("answered by @acme/gateway-provider");
    expect((await client.responses.create({ model: "labs-model", input: "hi" })).output_text).toBe("answered by dheera-provider-labs");
  });

  it("refuses to start when a prefix has no package, naming every package it looked for", async () => {
    const dir = projectWith({}, `model_list:\n${modelEntry("m", "nobody/m1")}${modelEntry("n", "acme/m2")}providers:\n  acme: "@acme/not-installed"\n`);
    const proxy = await spawnProxy(path.join(dir, "config.yaml"), { cwd: dir, expectExit: true });
    expect((await proxy.exited).code).not.toBe(0);
    expect(proxy.stderr()).toContain('model_list[0].dheera_ai_params.model: Provider "nobody" is not installed: none of @dheera/nobody, dheera-provider-nobody was found.');
    expect(proxy.stderr()).toContain('model_list[1].dheera_ai_params.model: Provider "acme" is not installed: its package @acme/not-installed (named for it under providers) was not found. Run: npm install @acme/not-installed');
  });

  it("refuses a providers entry that is not a package name", async () => {
    const dir = projectWith({}, `model_list:\n${modelEntry("m", "acme/m1")}providers:\n  acme: ../../somewhere\n`);
    const proxy = await spawnProxy(path.join(dir, "config.yaml"), { cwd: dir, expectExit: true });
    expect((await proxy.exited).code).not.toBe(0);
    expect(proxy.stderr()).toMatch(/providers\.acme: must be an npm package name/);
  });
});
