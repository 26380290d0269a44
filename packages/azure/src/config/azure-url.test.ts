import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ConfigurationError, InvalidRequestError } from "@dheera/core";
import { createAzureUrls, normalizeAzureBase, type AzureUrls } from "./azure-url.js";

const R = "https://res.openai.azure.com";
const GW = "https://gw.example.com/azure/proxy";

interface Row {
  name: string;
  apiBase: string;
  apiVersion: string;
  deployment?: string;
  url: (urls: AzureUrls) => string;
  expected: string;
}

const responses = (u: AzureUrls) => u.responses;
const chat = (u: AzureUrls) => u.chat;
const route = (u: AzureUrls) => u.apiRoute;

const rows: Row[] = [
  // api-version families
  { name: 'routes dated api_version "2025-04-01-preview" to /openai/responses', apiBase: R, apiVersion: "2025-04-01-preview", url: responses, expected: `${R}/openai/responses?api-version=2025-04-01-preview` },
  { name: 'routes dated api_version "2024-10-21" chat to /openai/deployments/{dep}/chat/completions', apiBase: R, apiVersion: "2024-10-21", url: chat, expected: `${R}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21` },
  { name: "uses the classic api route for a dated api_version", apiBase: R, apiVersion: "2024-10-21", url: route, expected: "classic" },
  { name: 'routes api_version "preview" to /openai/v1/responses', apiBase: R, apiVersion: "preview", url: responses, expected: `${R}/openai/v1/responses?api-version=preview` },
  { name: 'routes api_version "latest" to /openai/v1/responses', apiBase: R, apiVersion: "latest", url: responses, expected: `${R}/openai/v1/responses?api-version=latest` },
  { name: 'routes api_version "v1" to /openai/v1/responses and still sends it', apiBase: R, apiVersion: "v1", url: responses, expected: `${R}/openai/v1/responses?api-version=v1` },
  { name: 'routes api_version "preview" chat to /openai/v1/chat/completions with api-version', apiBase: R, apiVersion: "preview", url: chat, expected: `${R}/openai/v1/chat/completions?api-version=preview` },
  { name: 'routes api_version "latest" chat to /openai/v1/chat/completions with api-version', apiBase: R, apiVersion: "latest", url: chat, expected: `${R}/openai/v1/chat/completions?api-version=latest` },
  { name: 'omits api-version on v1 chat for api_version "v1" (Azure default)', apiBase: R, apiVersion: "v1", url: chat, expected: `${R}/openai/v1/chat/completions` },
  { name: "uses the v1 api route for a v1-family api_version", apiBase: R, apiVersion: "latest", url: route, expected: "v1" },
  { name: 'sends api_version "PREVIEW" in its canonical lower-case form', apiBase: R, apiVersion: "PREVIEW", url: responses, expected: `${R}/openai/v1/responses?api-version=preview` },
  // base forms
  { name: "drops one trailing slash of the base", apiBase: `${R}/`, apiVersion: "2025-03-01-preview", url: responses, expected: `${R}/openai/responses?api-version=2025-03-01-preview` },
  { name: "drops several trailing slashes of the base", apiBase: `${R}///`, apiVersion: "v1", url: chat, expected: `${R}/openai/v1/chat/completions` },
  { name: "does not double /openai for a base ending in /openai (responses)", apiBase: `${R}/openai`, apiVersion: "2025-03-01-preview", url: responses, expected: `${R}/openai/responses?api-version=2025-03-01-preview` },
  { name: "does not double /openai for a base ending in /openai/ (v1 responses)", apiBase: `${R}/openai/`, apiVersion: "preview", url: responses, expected: `${R}/openai/v1/responses?api-version=preview` },
  { name: "does not double /openai for a base ending in /openai (classic chat)", apiBase: `${R}/openai`, apiVersion: "2024-10-21", url: chat, expected: `${R}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21` },
  { name: "forces the v1 responses route for a base ending in /openai/v1 and drops a dated version", apiBase: `${R}/openai/v1`, apiVersion: "2025-04-01-preview", url: responses, expected: `${R}/openai/v1/responses` },
  { name: "forces the v1 chat route for a base ending in /openai/v1/ with a dated version", apiBase: `${R}/openai/v1/`, apiVersion: "2024-10-21", url: chat, expected: `${R}/openai/v1/chat/completions` },
  { name: "reports the v1 api route when the base forces it", apiBase: `${R}/openai/v1`, apiVersion: "2024-10-21", url: route, expected: "v1" },
  { name: "does not double /v1 for a base ending in /openai/v1 with preview", apiBase: `${R}/openai/v1`, apiVersion: "preview", url: responses, expected: `${R}/openai/v1/responses?api-version=preview` },
  { name: "accepts a full classic responses URL as base", apiBase: `${R}/openai/responses`, apiVersion: "2025-04-01-preview", url: responses, expected: `${R}/openai/responses?api-version=2025-04-01-preview` },
  { name: "accepts a full v1 responses URL as base", apiBase: `${R}/openai/v1/responses`, apiVersion: "v1", url: responses, expected: `${R}/openai/v1/responses?api-version=v1` },
  { name: "replaces a full chat URL base with the configured deployment and version", apiBase: `${R}/openai/deployments/old/chat/completions?api-version=2024-02-01`, apiVersion: "2024-10-21", url: chat, expected: `${R}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21` },
  { name: "sends the resolved api-version once when the base query has another one", apiBase: `${R}/openai?api-version=2024-05-01-preview`, apiVersion: "2025-04-01-preview", url: responses, expected: `${R}/openai/responses?api-version=2025-04-01-preview` },
  { name: "repairs a base whose /openai was already doubled", apiBase: `${R}/openai/openai`, apiVersion: "2024-10-21", url: responses, expected: `${R}/openai/responses?api-version=2024-10-21` },
  { name: "keeps a custom gateway path (classic responses)", apiBase: GW, apiVersion: "2025-04-01-preview", url: responses, expected: `${GW}/openai/responses?api-version=2025-04-01-preview` },
  { name: "keeps a custom gateway path (v1 chat)", apiBase: `${GW}/`, apiVersion: "preview", url: chat, expected: `${GW}/openai/v1/chat/completions?api-version=preview` },
  { name: "collapses double slashes inside a gateway path", apiBase: "https://gw.example.com//azure//proxy//", apiVersion: "v1", url: chat, expected: `${GW}/openai/v1/chat/completions` },
  { name: "keeps a gateway token from the base query before api-version", apiBase: `${GW}/openai?token=abc`, apiVersion: "2024-10-21", url: responses, expected: `${GW}/openai/responses?token=abc&api-version=2024-10-21` },
  { name: "keeps a gateway token on the v1 chat route without api-version", apiBase: `${GW}?token=abc`, apiVersion: "v1", url: chat, expected: `${GW}/openai/v1/chat/completions?token=abc` },
  { name: "keeps an AI Foundry project path", apiBase: "https://res.services.ai.azure.com/api/projects/p1", apiVersion: "preview", url: responses, expected: "https://res.services.ai.azure.com/api/projects/p1/openai/v1/responses?api-version=preview" },
  { name: "keeps a local port", apiBase: "http://localhost:4000/", apiVersion: "2024-10-21", url: chat, expected: "http://localhost:4000/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21" },
  { name: "URL-encodes the deployment as one path segment", apiBase: R, apiVersion: "2024-10-21", deployment: "my dep/x", url: chat, expected: `${R}/openai/deployments/my%20dep%2Fx/chat/completions?api-version=2024-10-21` },
  // id routes
  { name: "builds GET/DELETE /responses/{id} on the classic route", apiBase: R, apiVersion: "2025-04-01-preview", url: (u) => u.responseById("resp_1"), expected: `${R}/openai/responses/resp_1?api-version=2025-04-01-preview` },
  { name: "builds /responses/{id} on the v1 route with the gateway query after the path", apiBase: `${GW}?token=abc`, apiVersion: "preview", url: (u) => u.responseById("resp_1"), expected: `${GW}/openai/v1/responses/resp_1?token=abc&api-version=preview` },
  { name: "adds retrieve options (include, stream, starting_after) to /responses/{id}", apiBase: R, apiVersion: "v1", url: (u) => u.responseById("resp_1", { include: ["reasoning.encrypted_content"], stream: true, starting_after: 4 }), expected: `${R}/openai/v1/responses/resp_1?api-version=v1&include=reasoning.encrypted_content&stream=true&starting_after=4` },
  { name: "builds /responses/{id}/cancel on the classic route", apiBase: `${R}/`, apiVersion: "2025-04-01-preview", url: (u) => u.cancel("resp_1"), expected: `${R}/openai/responses/resp_1/cancel?api-version=2025-04-01-preview` },
  { name: "builds /responses/{id}/cancel on a forced v1 route without a dated version", apiBase: `${R}/openai/v1/`, apiVersion: "2025-04-01-preview", url: (u) => u.cancel("resp_1"), expected: `${R}/openai/v1/responses/resp_1/cancel` },
  { name: "builds /responses/{id}/input_items with the query after the path", apiBase: R, apiVersion: "preview", url: (u) => u.inputItems("resp_1"), expected: `${R}/openai/v1/responses/resp_1/input_items?api-version=preview` },
  { name: "adds after, before, limit, order and repeated include to input_items", apiBase: `${GW}?token=abc`, apiVersion: "2025-04-01-preview", url: (u) => u.inputItems("resp_1", { after: "msg_1", before: "msg_9", limit: 20, order: "asc", include: ["a.b", "c.d"] }), expected: `${GW}/openai/responses/resp_1/input_items?token=abc&api-version=2025-04-01-preview&after=msg_1&before=msg_9&limit=20&order=asc&include=a.b&include=c.d` },
  { name: "accepts a single include string on input_items", apiBase: R, apiVersion: "v1", url: (u) => u.inputItems("resp_1", { include: "message.input_image.image_url" }), expected: `${R}/openai/v1/responses/resp_1/input_items?api-version=v1&include=message.input_image.image_url` },
  { name: "drops unknown input_items params so api-version cannot be smuggled in", apiBase: R, apiVersion: "v1", url: (u) => u.inputItems("resp_1", { "api-version": "x", limit: 5 } as never), expected: `${R}/openai/v1/responses/resp_1/input_items?api-version=v1&limit=5` },
  { name: "URL-encodes the response id as one path segment", apiBase: R, apiVersion: "v1", url: (u) => u.responseById("resp/../x?y"), expected: `${R}/openai/v1/responses/resp%2F..%2Fx%3Fy?api-version=v1` },
];

describe("createAzureUrls", () => {
  it.each(rows)("$name", ({ apiBase, apiVersion, deployment, url, expected }) => {
    expect(url(createAzureUrls({ apiBase, apiVersion, deployment: deployment ?? "gpt-4o" }))).toBe(expected);
  });

  it.each([
    ["a string that is no URL", "not a url"],
    ["a base without scheme", "res.openai.azure.com"],
    ["a non-http scheme", "ftp://res.openai.azure.com"],
  ])("rejects %s with a ConfigurationError naming api_base", (_, apiBase) => {
    expect(() => createAzureUrls({ apiBase, apiVersion: "v1", deployment: "d" })).toThrow(ConfigurationError);
    expect(() => createAzureUrls({ apiBase, apiVersion: "v1", deployment: "d" })).toThrow(/api_base/);
  });

  it("rejects a base with credentials without echoing them", () => {
    const run = () => createAzureUrls({ apiBase: "https://user:s3cret@res.openai.azure.com", apiVersion: "v1", deployment: "d" });
    expect(run).toThrow(ConfigurationError);
    expect(run).not.toThrow(/s3cret/);
  });

  it("rejects an invalid api_version", () => {
    expect(() => createAzureUrls({ apiBase: R, apiVersion: "2024-10", deployment: "d" })).toThrow(/api_version "2024-10"/);
  });

  it.each(["", ".", ".."])("rejects the deployment %j", (deployment) => {
    expect(() => createAzureUrls({ apiBase: R, apiVersion: "v1", deployment })).toThrow(ConfigurationError);
  });

  it.each(["", ".", ".."])("rejects the response id %j, which would escape the path", (id) => {
    const urls = createAzureUrls({ apiBase: R, apiVersion: "v1", deployment: "d" });
    expect(() => urls.responseById(id)).toThrow(InvalidRequestError);
    expect(() => urls.cancel(id)).toThrow(InvalidRequestError);
    expect(() => urls.inputItems(id)).toThrow(InvalidRequestError);
  });
});

describe("normalizeAzureBase", () => {
  it("reports the api-version of the base query and strips it from the query", () => {
    const n = normalizeAzureBase(`${R}/openai/v1/?api-version=preview&token=t`);
    expect(n).toMatchObject({ base: R, baseForcesV1: true, apiVersion: "preview" });
    expect(n.query.toString()).toBe("token=t");
  });

  it("keeps an openai segment that is part of a gateway path, not an Azure route", () => {
    expect(normalizeAzureBase("https://gw.example.com/openai/tenant-a").base).toBe("https://gw.example.com/openai/tenant-a");
  });
});

// ---- properties ------------------------------------------------------------------------------

const segment = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,8}$/)
  .filter((s) => !["openai", "v1"].includes(s.toLowerCase()));
const suffix = fc.constantFrom(
  "",
  "/openai",
  "/openai/v1",
  "/openai/responses",
  "/openai/v1/responses",
  "/openai/deployments/dep/chat/completions",
  "/openai/v1/chat/completions",
);
const baseArb = fc
  .record({
    scheme: fc.constantFrom("http", "https"),
    host: fc.domain(),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    gateway: fc.array(segment, { maxLength: 3 }),
    suffix,
    slashes: fc.integer({ min: 0, max: 3 }),
    token: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    baseVersion: fc.option(fc.constantFrom("2024-05-01-preview", "preview"), { nil: undefined }),
  })
  .map(({ scheme, host, port, gateway, suffix, slashes, token, baseVersion }) => {
    const query = new URLSearchParams();
    if (token !== undefined) query.append("token", token);
    if (baseVersion !== undefined) query.append("api-version", baseVersion);
    const qs = query.toString();
    const path = gateway.map((s) => `/${s}`).join("") + suffix + "/".repeat(slashes);
    return `${scheme}://${host}${port === undefined ? "" : `:${port}`}${path}${qs ? `?${qs}` : ""}`;
  });
const versionArb = fc.constantFrom("2024-10-21", "2025-04-01-preview", "v1", "preview", "latest", "Latest");
const idArb = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");

describe("URL properties", () => {
  it("normalisation is idempotent", () => {
    fc.assert(
      fc.property(baseArb, (apiBase) => {
        const once = normalizeAzureBase(apiBase);
        const qs = once.query.toString();
        const twice = normalizeAzureBase(`${once.base}${qs ? `?${qs}` : ""}`);
        expect(twice.base).toBe(once.base);
        expect(twice.query.toString()).toBe(qs);
        expect(twice.apiVersion).toBeUndefined();
      }),
    );
  });

  it("never produces //, /openai/openai or /v1/v1, and sends api-version at most once", () => {
    fc.assert(
      fc.property(baseArb, versionArb, idArb, idArb, (apiBase, apiVersion, deployment, id) => {
        const urls = createAzureUrls({ apiBase, apiVersion, deployment });
        const all = [
          urls.responses,
          urls.chat,
          urls.responseById(id),
          urls.cancel(id),
          urls.inputItems(id, { after: id, include: [id, "x"] }),
        ];
        for (const url of all) {
          const afterScheme = url.replace(/^https?:\/\//, "");
          expect(afterScheme).not.toContain("//");
          expect(url).not.toContain("/openai/openai");
          expect(url).not.toContain("/v1/v1");
          expect(new URL(url).searchParams.getAll("api-version").length).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
