import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { INVALID_SUBSCRIPTION_KEY_MESSAGE, INVALID_TOKEN_MESSAGE } from "./emulator-errors.js";
import { call, chatUrl, post, RESPONSES_URL } from "./emulator-test-support.js";

const NOT_FOUND = { error: { code: "404", message: "Resource not found" } };
const VERSION_NOT_SUPPORTED = { error: { code: "BadRequest", message: "API version not supported" } };
const responsesBody = { model: "gpt-4o", input: "hi" };
const chatBody = { messages: [{ role: "user", content: "hi" }] };

describe("routing", () => {
  const emulator = createAzureEmulator();

  it.each([
    ["POST", "/openai/responses?api-version=2025-03-01-preview", responsesBody, 200],
    ["POST", "/openai/responses?api-version=2025-04-01-preview", responsesBody, 200],
    ["POST", "/openai/deployments/gpt-4o/responses?api-version=2025-04-01-preview", { input: "hi" }, 200],
    ["POST", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", chatBody, 200],
    ["POST", "/openai/deployments/gpt-4o/chat/completions?api-version=2025-04-01-preview", chatBody, 200],
    ["POST", "/openai/v1/responses", responsesBody, 200],
    ["POST", "/openai/v1/responses?api-version=v1", responsesBody, 200],
    ["POST", "/openai/v1/responses?api-version=preview", responsesBody, 200],
    ["POST", "/openai/v1/responses?api-version=latest", responsesBody, 200],
    ["POST", "/openai/v1/chat/completions", { ...chatBody, model: "gpt-4o" }, 200],
    ["GET", "/openai/v1/models", undefined, 200],
  ])("serves %s %s", async (method, path, body, status) => {
    const res = await call(emulator, method, path, { body });
    expect(res.status, res.text).toBe(status);
  });

  it.each([
    ["POST", "/openai/unknown?api-version=2025-03-01-preview"],
    ["GET", "/openai/responses?api-version=2025-03-01-preview"],
    ["PUT", "/openai/responses?api-version=2025-03-01-preview"],
    ["POST", "/openai/responses/?api-version=2025-03-01-preview"],
    ["POST", "/openai//responses?api-version=2025-03-01-preview"],
    ["POST", "/responses?api-version=2025-03-01-preview"],
    ["POST", "/v1/responses"],
    ["POST", "/openai/chat/completions?api-version=2024-10-21"],
    ["GET", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"],
    ["POST", "/openai/responses/resp_1?api-version=2025-03-01-preview"],
    ["GET", "/openai/responses/resp_1/cancel?api-version=2025-03-01-preview"],
    ["POST", "/openai/v1/deployments/gpt-4o/chat/completions"],
    ["GET", "/openai/models?api-version=2024-10-21"],
  ])("answers %s %s with Azure's 404 Resource not found", async (method, path) => {
    const res = await call(emulator, method, path, { body: method === "GET" ? undefined : responsesBody });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(NOT_FOUND);
  });
});

describe("api-version", () => {
  const emulator = createAzureEmulator();

  it.each([
    ["missing on the classic responses route", "/openai/responses", 404, NOT_FOUND],
    ["missing on the classic chat route", "/openai/deployments/gpt-4o/chat/completions", 404, NOT_FOUND],
    ["older than 2025-03-01-preview on /openai/responses (openai-python#2184)", "/openai/responses?api-version=2024-10-21", 404, NOT_FOUND],
    ["older than 2025-03-01-preview on deployment responses", "/openai/deployments/gpt-4o/responses?api-version=2025-02-01-preview", 404, NOT_FOUND],
    ["well formed but never shipped", "/openai/deployments/gpt-4o/chat/completions?api-version=2025-09-01", 404, NOT_FOUND],
    ["malformed", "/openai/deployments/gpt-4o/chat/completions?api-version=2025-13-01", 400, VERSION_NOT_SUPPORTED],
    ["a v1 value on a classic route", "/openai/responses?api-version=preview", 400, VERSION_NOT_SUPPORTED],
    ["dated on a v1 route", "/openai/v1/responses?api-version=2025-04-01-preview", 400, VERSION_NOT_SUPPORTED],
    ["upper-case V1 on a v1 route", "/openai/v1/responses?api-version=V1", 400, VERSION_NOT_SUPPORTED],
    ["given twice", "/openai/responses?api-version=2025-03-01-preview&api-version=2025-04-01-preview", 400, VERSION_NOT_SUPPORTED],
  ])("rejects an api-version %s", async (_name, path, status, body) => {
    const res = await post(emulator, path, path.includes("chat") ? chatBody : responsesBody);
    expect(res.status).toBe(status);
    expect(res.json).toEqual(body);
  });

  it("also checks the version on id routes", async () => {
    const res = await call(emulator, "GET", "/openai/responses/resp_x");
    expect(res.json).toEqual(NOT_FOUND);
  });
});

describe("auth", () => {
  const emulator = createAzureEmulator({ adTokens: ["entra-token"] });
  const unauthorized = { error: { code: "401", message: INVALID_SUBSCRIPTION_KEY_MESSAGE } };

  it.each([
    ["a known api-key (classic)", RESPONSES_URL, { "api-key": "test-azure-key" }, 200, undefined],
    ["a known Entra token (classic)", RESPONSES_URL, { authorization: "Bearer entra-token" }, 200, undefined],
    ["a known Entra token (v1)", "/openai/v1/responses", { authorization: "Bearer entra-token" }, 200, undefined],
    ["an api key as bearer on v1", "/openai/v1/responses", { authorization: "Bearer test-azure-key" }, 200, undefined],
    ["a wrong api-key", RESPONSES_URL, { "api-key": "nope" }, 401, unauthorized],
    ["a wrong api-key next to a valid token", RESPONSES_URL, { "api-key": "nope", authorization: "Bearer entra-token" }, 401, unauthorized],
    ["no credentials", RESPONSES_URL, {}, 401, unauthorized],
    ["a Basic scheme", RESPONSES_URL, { authorization: "Basic dGVzdA==" }, 401, unauthorized],
    ["an unknown bearer on v1", "/openai/v1/responses", { authorization: "Bearer nope" }, 401, unauthorized],
    ["an api key as bearer on a classic route", RESPONSES_URL, { authorization: "Bearer test-azure-key" }, 401, { statusCode: 401, message: INVALID_TOKEN_MESSAGE }],
  ])("answers %s", async (_name, path, headers, status, body) => {
    const res = await post(emulator, path, responsesBody, { noAuth: true, headers });
    expect(res.status).toBe(status);
    if (body) expect(res.json).toEqual(body);
  });

  it("checks credentials before the api-version", async () => {
    const res = await post(emulator, "/openai/responses", responsesBody, { noAuth: true });
    expect(res.status).toBe(401);
  });
});

describe("deployments and bodies", () => {
  const emulator = createAzureEmulator();
  const deploymentNotFound = {
    error: {
      code: "DeploymentNotFound",
      message:
        "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
    },
  };

  it("answers an unknown deployment in the path with DeploymentNotFound", async () => {
    const res = await post(emulator, chatUrl("nope"), chatBody);
    expect(res.status).toBe(404);
    expect(res.json).toEqual(deploymentNotFound);
  });

  it("answers an unknown deployment in the body model with DeploymentNotFound", async () => {
    for (const path of [RESPONSES_URL, "/openai/v1/responses"]) {
      const res = await post(emulator, path, { model: "nope", input: "hi" });
      expect(res.status).toBe(404);
      expect(res.json).toEqual(deploymentNotFound);
    }
    const chat = await post(emulator, "/openai/v1/chat/completions", { ...chatBody, model: "nope" });
    expect(chat.json).toEqual(deploymentNotFound);
  });

  it("answers a missing model with OpenAI's missing_required_parameter", async () => {
    const res = await post(emulator, RESPONSES_URL, { input: "hi" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { message: "Missing required parameter: 'model'.", type: "invalid_request_error", param: "model", code: "missing_required_parameter" },
    });
  });

  it("ignores the body model on the classic chat route", async () => {
    const res = await post(emulator, chatUrl("gpt-4o"), { ...chatBody, model: "something-else" });
    expect(res.status).toBe(200);
  });

  it("rejects a body that is not JSON, or not an object", async () => {
    const bad = await call(emulator, "POST", RESPONSES_URL, { rawBody: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/could not parse the JSON body/);
    const array = await call(emulator, "POST", RESPONSES_URL, { rawBody: "[]" });
    expect(array.status).toBe(400);
    expect(array.json.error.type).toBe("invalid_request_error");
  });

  it("accepts unknown top-level parameters", async () => {
    const res = await post(emulator, RESPONSES_URL, { ...responsesBody, some_future_param: { x: 1 } });
    expect(res.status).toBe(200);
    const chat = await post(emulator, chatUrl("gpt-4o"), { ...chatBody, some_future_param: true });
    expect(chat.status).toBe(200);
  });

  it("answers chat on a Responses-only deployment with OperationNotSupported", async () => {
    const res = await post(emulator, chatUrl("o1-pro", "2025-04-01-preview"), chatBody);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("OperationNotSupported");
    expect(res.json.error.message).toMatch(/^The chatCompletion operation does not work with the specified model, o1-pro\./);
  });

  it("answers responses on a chat-only deployment with OperationNotSupported", async () => {
    const chatOnly = createAzureEmulator({ deployments: { legacy: { model: "gpt-35-turbo", supportsResponses: false } } });
    const res = await post(chatOnly, RESPONSES_URL, { model: "legacy", input: "hi" });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toMatch(/^The responses operation does not work with the specified model, gpt-35-turbo\./);
  });

  it("lists its deployments on /openai/v1/models", async () => {
    const res = await call(emulator, "GET", "/openai/v1/models");
    expect(res.json.object).toBe("list");
    expect(res.json.data.map((m: { id: string }) => m.id)).toEqual(["o1-pro", "codex-mini", "my-custom-o1-pro", "gpt-4o", "gpt-4.1", "o3-mini"]);
  });
});

describe("headers and recording", () => {
  it("sends Azure's headers on every answer, errors included", async () => {
    const emulator = createAzureEmulator();
    for (const res of [await post(emulator, RESPONSES_URL, responsesBody), await call(emulator, "GET", "/nope")]) {
      expect(res.headers.get("apim-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("x-ms-region")).toBe("Sweden Central");
      expect(Number(res.headers.get("x-ratelimit-remaining-requests"))).toBeGreaterThan(0);
      expect(res.headers.get("x-ratelimit-remaining-tokens")).toMatch(/^\d+$/);
      expect(res.headers.get("content-type")).toBe("application/json");
    }
  });

  it("records requests with credentials redacted, and forgets them on reset", async () => {
    const emulator = createAzureEmulator();
    await post(emulator, RESPONSES_URL, responsesBody, { headers: { authorization: "Bearer secret" } });
    await post(emulator, RESPONSES_URL, responsesBody, { noAuth: true, headers: { "api-key": "wrong" } });
    const [ok, denied] = emulator.requests;
    expect(ok).toMatchObject({
      method: "POST",
      path: "/openai/responses",
      query: { "api-version": "2025-03-01-preview" },
      authOk: true,
      body: responsesBody,
      route: "responses.create",
      status: 200,
    });
    expect(ok?.headers["api-key"]).toBe("[REDACTED]");
    expect(ok?.headers.authorization).toBe("[REDACTED]");
    expect(denied).toMatchObject({ authOk: false, status: 401 });
    expect(JSON.stringify(emulator.requests)).not.toContain("test-azure-key");
    emulator.reset();
    expect(emulator.requests).toHaveLength(0);
  });
});
