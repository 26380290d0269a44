import { setupServer } from "msw/node";
import { AzureOpenAI, NotFoundError } from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { UNICORN_STORY } from "./emulated-turn.js";
import { sseJson } from "./emulator-test-support.js";

/** The emulator behind msw: global fetch (and so the openai client) reaches it without a port. */

const BASE = "https://res.openai.azure.com";
const emulator = createAzureEmulator();
const gateway = createAzureEmulator();
const server = setupServer(...emulator.mswHandlers(BASE), ...gateway.mswHandlers("https://gw.example.com/azure/"));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => emulator.reset());
afterAll(() => server.close());

const headers = { "api-key": "test-azure-key", "content-type": "application/json" };

describe("msw handlers", () => {
  it("answers a Responses request made with global fetch", async () => {
    const res = await fetch(`${BASE}/openai/responses?api-version=2025-03-01-preview`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "gpt-4o", input: "a unicorn" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("apim-request-id")).toBeTruthy();
    const body = await res.json();
    expect(body.output[0].content[0].text).toBe(UNICORN_STORY);
    expect(emulator.requests).toHaveLength(1);
  });

  it("streams chat through fetch", async () => {
    const res = await fetch(`${BASE}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`, {
      method: "POST",
      headers,
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const text = await res.text();
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(sseJson(text)[0]).toMatchObject({ choices: [], id: "", object: "" });
  });

  it("keeps Azure's strict routing and errors", async () => {
    const missingVersion = await fetch(`${BASE}/openai/responses`, { method: "POST", headers, body: "{}" });
    expect(missingVersion.status).toBe(404);
    expect(await missingVersion.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
    const unauthorized = await fetch(`${BASE}/openai/v1/responses`, { method: "POST", body: "{}" });
    expect(unauthorized.status).toBe(401);
  });

  it("serves the official client (AzureOpenAI uses global fetch)", async () => {
    const client = new AzureOpenAI({ endpoint: BASE, apiVersion: "2025-03-01-preview", apiKey: "test-azure-key", maxRetries: 0 });
    const final = await client.responses.stream({ model: "codex-mini", input: "hello" }).finalResponse();
    expect(final.output_text).toBe("Hello from the Azure emulator (deployment codex-mini): hello");
    await expect(client.responses.retrieve("resp_missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("routes under a base URL that has a path prefix", async () => {
    const res = await fetch("https://gw.example.com/azure/openai/v1/responses", { method: "POST", headers, body: JSON.stringify({ model: "gpt-4o", input: "x" }) });
    expect(res.status).toBe(200);
    expect(gateway.requests[0]?.path).toBe("/azure/openai/v1/responses");
  });
});
