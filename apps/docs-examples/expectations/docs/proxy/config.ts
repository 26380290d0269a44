import { proxyConfigSchema } from "@dheera/proxy";
import { expect } from "vitest";
import { expectUpstream, httpBody, jsonBody } from "../../../src/checks.js";
import { configKeys } from "../../../src/config-keys.js";
import { defineExpectations, inlineCode, type PageCheck } from "../../../src/expectation.js";

const DATED = { "api-version": "2025-03-01-preview" };
const MASTER_KEY = { DHEERA_AI_MASTER_KEY: "sk-1234" };

/** The page names every key the proxy's config schema accepts: a new key fails this until it is documented. */
export const pageCheck: PageCheck = (markdown) => {
  const mentioned = inlineCode(markdown);
  const undocumented = configKeys(proxyConfigSchema).filter((key) => !mentioned.has(key.split(/[.\]]+/).filter(Boolean).at(-1)!));
  expect(undocumented, "config keys of @dheera/proxy that docs/proxy/config.md does not mention as `key`").toEqual([]);
};

export default defineExpectations({
  "Quick start": { kind: "proxy-config" },
  "Quick start (2)": { kind: "proxy-start" },
  "Quick start (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      const response = jsonBody(result.stdout);
      expect(response).toMatchObject({ object: "response", status: "completed", model: expect.stringContaining("o1-pro") });
      expect(JSON.stringify(response.output)).toMatch(/unicorn/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", host: "my-resource.openai.azure.com", query: DATED, body: { model: "o1-pro" }, status: 200 }]);
    },
  },

  "Every key": {
    kind: "proxy-config",
    env: MASTER_KEY,
    async check(_result, context) {
      // The provider settings reach Azure: a request carries the extra header to the configured resource.
      const before = context.upstreamRequests().length;
      const res = await context.fetchProxy("/v1/responses", {
        method: "POST",
        headers: { authorization: "Bearer sk-1234", "content-type": "application/json" },
        body: JSON.stringify({ model: "o1-pro", input: "Hello world" }),
      });
      expect(res.status).toBe(200);
      const [call] = context.upstreamRequests().slice(before);
      expect(call).toMatchObject({ path: "/openai/responses", query: DATED, headers: { "x-team": "search", "x-forwarded-host": "my-resource.openai.azure.com" } });
    },
  },

  "Environment variables: os.environ/": { kind: "proxy-config" },
  "Environment variables: os.environ/ (2)": { kind: "proxy-config", rejectedWith: /AZURE_EASTUS_API_KEY is not set/ },
  "Environment variables: os.environ/ (3)": { kind: "output" },

  "Master key": { kind: "proxy-config", env: MASTER_KEY },
  "Master key (2)": { kind: "proxy-start" },
  "Master key (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(jsonBody(result.stdout)).toMatchObject({ object: "response", status: "completed" });
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", status: 200 }]);
    },
  },
  "Master key (4)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([401]);
      expect(result.stdout).toMatch(/^HTTP\/1\.1 401/);
      // OpenAI's shape for a missing key: 401, invalid_request_error, a code saying why.
      expect(JSON.parse(httpBody(result.stdout))).toMatchObject({ error: { type: "invalid_request_error", code: "missing_api_key", message: expect.stringContaining("No api key") } });
      // Refused by the proxy: nothing reached Azure.
      expectUpstream(result, []);
    },
  },

  "Several deployments per model": { kind: "proxy-config" },
  "Several deployments per model (2)": { kind: "proxy-start" },
  "Several deployments per model (3)": {
    kind: "script",
    check(result) {
      const answers = result.stdout.trim().split("\n");
      expect(answers).toHaveLength(4);
      for (const answer of answers) expect(answer).toMatch(/\S/);
      // round-robin: the two resources take turns.
      const hosts = result.upstream.map((r) => r.headers["x-forwarded-host"]);
      expect(hosts).toEqual([
        "my-resource-sweden.openai.azure.com",
        "my-resource-eastus.openai.azure.com",
        "my-resource-sweden.openai.azure.com",
        "my-resource-eastus.openai.azure.com",
      ]);
      expect(result.upstream.every((r) => r.path === "/openai/deployments/gpt-4o/chat/completions" && r.status === 200)).toBe(true);
    },
  },
  "Several deployments per model (4)": {
    kind: "script",
    check(result) {
      expect(result.stdout.trim()).toMatch(/^resp_\S+ completed completed$/);
      const calls = result.upstream.map((r) => `${r.method} ${r.path.replace(/resp_[^/]+/, "{id}")} ${r.headers["x-forwarded-host"]}`);
      expect(calls).toHaveLength(3);
      // Everything about the first response goes to the resource that stored it.
      const host = calls[0]!.split(" ")[2];
      expect(calls).toEqual([`POST /openai/responses ${host}`, `POST /openai/responses ${host}`, `GET /openai/responses/{id} ${host}`]);
      expect(result.upstream[1]!.body).toMatchObject({ previous_response_id: result.upstream[2]!.path.split("/").at(-1) });
      expect(result.upstream.every((r) => r.status === 200)).toBe(true);
    },
  },

  "Starting the proxy": {
    kind: "command",
    check(result) {
      for (const flag of ["--config", "--port", "--host", "--num_workers", "--detailed_debug", "--version"]) expect(result.stdout).toContain(flag);
    },
  },

  "Config errors": { kind: "proxy-config", rejectedWith: /api_bse: unknown key/ },
  "Config errors (2)": { kind: "output" },
});
