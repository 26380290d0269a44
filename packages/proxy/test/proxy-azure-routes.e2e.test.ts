import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * Azure-shaped routes: an app written with the official AzureOpenAI client works through the
 * gateway by changing only its endpoint (the deployment in the path is the proxy's model_name,
 * `?api-version=` is accepted, the key goes in `api-key`).
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;

beforeAll(async () => {
  emu = await startEmulator();
  proxy = await spawnProxy(writeConfig(configYaml([azureModel("team-gpt", "azure/gpt-4o", emu.url), azureModel("reasoner", "azure/o1-pro", emu.url)].join("\n"))));
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

const azureClient = (deployment?: string) =>
  new AzureOpenAI({ endpoint: proxy.url, apiKey: MASTER_KEY, apiVersion: "2025-04-01-preview", maxRetries: 0, ...(deployment ? { deployment } : {}) });

describe("AzureOpenAI clients pointed at the gateway", () => {
  it("chat on /openai/deployments/{model_name}/chat/completions, JSON and streamed", async () => {
    const client = azureClient("team-gpt");
    const chat = await client.chat.completions.create({ model: "ignored-by-azure-routes", messages: [{ role: "user", content: "Hello world" }] });
    expect(chat.choices[0]!.message.content).toContain("Hello world");
    const stream = await client.chat.completions.create({ model: "x", messages: [{ role: "user", content: "Hello world" }], stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    expect(text).toContain("Hello world");
    // The proxy reached the deployment behind model_name "team-gpt".
    expect(emu.emulator.requests.at(-1)).toMatchObject({ path: "/openai/deployments/gpt-4o/chat/completions" });
  });

  it("Responses on /openai/responses?api-version=..., with the id routes", async () => {
    const client = azureClient();
    const response = await client.responses.create({ model: "reasoner", input: "Tell me about a unicorn." });
    expect(response.status).toBe("completed");
    const again = await client.responses.retrieve(response.id);
    expect(again.id).toBe(response.id);
    const raw = await fetch(`${proxy.url}/openai/deployments/reasoner/responses?api-version=2025-04-01-preview`, {
      method: "POST",
      headers: { "api-key": MASTER_KEY, "content-type": "application/json" },
      body: JSON.stringify({ input: "hi" }),
    });
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { object: string }).object).toBe("response");
  });

  it("an unknown deployment in the path is the proxy's model_not_found, a wrong key its 401", async () => {
    const missing = await azureClient("nope").chat.completions.create({ model: "x", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 400, code: "model_not_found" });
    const wrong = new AzureOpenAI({ endpoint: proxy.url, apiKey: "sk-wrong", apiVersion: "2025-04-01-preview", deployment: "team-gpt", maxRetries: 0 });
    expect(await wrong.chat.completions.create({ model: "x", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e)).toMatchObject({ status: 401 });
  });
});
