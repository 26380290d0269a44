import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "./helpers/entra-stand-in.js";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { MASTER_KEY, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/*
 * Entra ID with refresh: the proxy gets its Azure tokens from a service principal through
 * @azure/identity, from a loopback stand-in of the token endpoint whose tokens live 3 seconds;
 * the emulator accepts a token only while it lives. Requests keep flowing across several
 * renewals and none fails.
 */

const TENANT = "contoso-tenant";
const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const CLIENT_SECRET = "entra-secret-do-not-log-9f8e7d";
const LIFE_SECONDS = 3;

let entra: EntraStandIn;
let emu: EmulatorServer;

beforeAll(async () => {
  entra = await startEntraStandIn({ tenant: TENANT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, lifeSeconds: LIFE_SECONDS });
  // The live list: a token leaves it when it expires.
  emu = await startEmulator({ adTokens: entra.tokens });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
  await entra?.close();
});

function config(scope?: string): string {
  return writeConfig(
    [
      "model_list:",
      "  - model_name: o1-pro",
      "    dheera_ai_params:",
      "      model: azure/o1-pro",
      `      api_base: ${emu.url}`,
      "      api_version: 2025-04-01-preview",
      "      azure_ad_token_provider:",
      "        type: client_secret",
      `        tenant_id: ${TENANT}`,
      "        client_id: os.environ/AZURE_CLIENT_ID",
      "        client_secret: os.environ/AZURE_CLIENT_SECRET",
      `        authority_host: ${entra.url}`,
      ...(scope ? [`        scope: ${scope}`] : []),
      "general_settings:",
      `  master_key: ${MASTER_KEY}`,
      "",
    ].join("\n"),
  );
}

describe("azure_ad_token_provider: a service principal", () => {
  it("renews the token before it expires while requests keep flowing, with no failed request", async () => {
    const proxy = await spawnProxy(config(), {
      env: { NODE_EXTRA_CA_CERTS: entra.caFile, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: CLIENT_SECRET },
      timeoutMs: 20_000,
    });
    const client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
    const statuses: string[] = [];
    const until = Date.now() + LIFE_SECONDS * 3 * 1000;
    while (Date.now() < until) {
      const response = await client.responses.create({ model: "o1-pro", input: "Tell me a story about a unicorn." });
      statuses.push(response.status ?? "none");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(statuses.length).toBeGreaterThan(20);
    expect(new Set(statuses)).toEqual(new Set(["completed"]));
    // At least three tokens over three lifetimes: renewed, not fetched per request.
    expect(entra.issued.length).toBeGreaterThanOrEqual(3);
    expect(entra.issued.length).toBeLessThan(statuses.length / 2);
    expect(entra.issued.every((t) => t.scope.includes("https://cognitiveservices.azure.com/.default"))).toBe(true);
    // Every request reached Azure with a bearer token, none with a key, and the secret was never logged.
    const requests = emu.emulator.requests;
    expect(requests.length).toBe(statuses.length);
    expect(requests.every((r) => r.authOk && r.headers.authorization !== undefined && r.headers["api-key"] === undefined)).toBe(true);
    expect(proxy.stdout() + proxy.stderr()).not.toContain(CLIENT_SECRET);
  });

  it("takes the scope from the config (Azure AI Foundry's https://ai.azure.com/.default)", async () => {
    const before = entra.issued.length;
    const proxy = await spawnProxy(config("https://ai.azure.com/.default"), {
      env: { NODE_EXTRA_CA_CERTS: entra.caFile, AZURE_CLIENT_ID: CLIENT_ID, AZURE_CLIENT_SECRET: CLIENT_SECRET },
      timeoutMs: 20_000,
    });
    const client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
    await client.responses.create({ model: "o1-pro", input: "hi" });
    expect(entra.issued.slice(before).map((t) => t.scope)).toEqual(["https://ai.azure.com/.default"]);
  });

  it("refuses at start-up a service principal whose secret variable is not set", async () => {
    const p = await spawnProxy(config(), { env: { NODE_EXTRA_CA_CERTS: entra.caFile, AZURE_CLIENT_SECRET: CLIENT_SECRET }, expectExit: true });
    expect((await p.exited).code).toBe(1);
    expect(p.stderr()).toContain("environment variable AZURE_CLIENT_ID is not set");
  });
});
