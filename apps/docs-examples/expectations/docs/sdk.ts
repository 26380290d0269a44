import * as sdk from "@dheera/sdk";
import { expect } from "vitest";
import { expectUpstream } from "../../src/checks.js";
import { defineExpectations, inlineCode, type PageCheck } from "../../src/expectation.js";

const RESOURCE = "my-resource.openai.azure.com";
const DATED = { "api-version": "2025-03-01-preview" };
const lines = (stdout: string) => stdout.trim().split("\n");

/** The page names every export of @dheera/sdk: a new function or error class fails this until it is documented. */
export const pageCheck: PageCheck = (markdown) => {
  const mentioned = [...inlineCode(markdown)].join("\n");
  const undocumented = Object.keys(sdk).filter((name) => !new RegExp(`(^|[^\\w])${name}\\b`, "m").test(mentioned));
  expect(undocumented, "exports of @dheera/sdk that docs/sdk.md does not mention in inline code").toEqual([]);
};

export default defineExpectations({
  "responses() > Non-streaming": {
    kind: "script",
    check(result) {
      const [idAndStatus, story, usage] = lines(result.stdout);
      expect(idAndStatus).toMatch(/^resp_\S+ completed$/);
      expect(story).toMatch(/unicorn/i);
      expect(JSON.parse(usage!)).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
      expectUpstream(result, [
        {
          method: "POST",
          path: "/openai/responses",
          host: RESOURCE,
          query: DATED,
          body: { model: "gpt-4o", instructions: "You are a storyteller for children.", max_output_tokens: 200 },
          status: 200,
        },
      ]);
    },
  },
  "responses() > Streaming": {
    kind: "script",
    check(result) {
      const out = lines(result.stdout);
      expect(out[0]).toMatch(/^\[resp_\S+\]$/);
      expect(out.at(-1)).toBe("[completed]");
      expect(out.slice(1, -1).join("\n")).toMatch(/unicorn/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", query: DATED, body: { model: "gpt-4o", stream: true }, status: 200 }]);
    },
  },
  "responses() > Stopping a stream": {
    kind: "script",
    check(result) {
      expect(result.stdout.trim()).toBe("stopped after 3 deltas");
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", body: { model: "gpt-4o", stream: true } }]);
      // `signal` is the SDK's own option: it is not in the request.
      expect(result.upstream[0]!.body).not.toHaveProperty("signal");
    },
  },

  "completion() > Non-streaming": {
    kind: "script",
    check(result) {
      const [answer, finish] = lines(result.stdout);
      expect(answer).toMatch(/\S/);
      expect(finish).toMatch(/^stop \{.*"total_tokens":\d+/);
      expectUpstream(result, [
        { method: "POST", path: "/openai/deployments/gpt-4o/chat/completions", query: DATED, body: { max_tokens: 100, messages: [{ role: "system" }, { role: "user" }] }, status: 200 },
      ]);
    },
  },
  "completion() > Streaming": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/\S/);
      expect(result.stdout.trim()).toMatch(/\[\d+ tokens\]$/);
      expectUpstream(result, [
        { method: "POST", path: "/openai/deployments/gpt-4o/chat/completions", body: { stream: true, stream_options: { include_usage: true } }, status: 200 },
      ]);
    },
  },
  "completion() > Through the Responses API": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/unicorn/i);
      // The chat request went to Azure's Responses API.
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", query: DATED, body: { model: "o1-pro", stream: true }, status: 200 }]);
    },
  },

  "Stored responses": {
    kind: "script",
    check(result) {
      const [same, count, deleted] = lines(result.stdout);
      expect(same).toBe("true completed");
      expect(Number(count)).toBeGreaterThan(0);
      expect(deleted).toBe("true");
      const calls = result.upstream.map((r) => `${r.method} ${r.path.replace(/resp_[^/]+/, "{id}")} ${new URLSearchParams(r.query).toString()}`);
      expect(calls).toEqual([
        "POST /openai/responses api-version=2025-03-01-preview",
        "POST /openai/responses api-version=2025-03-01-preview",
        "GET /openai/responses/{id} api-version=2025-03-01-preview",
        "GET /openai/responses/{id}/input_items api-version=2025-03-01-preview&limit=10&order=asc",
        "DELETE /openai/responses/{id} api-version=2025-03-01-preview",
      ]);
      expect(result.upstream[1]!.body).toMatchObject({ previous_response_id: expect.stringMatching(/^resp_/) });
      expect(result.upstream.every((r) => r.status === 200)).toBe(true);
    },
  },
  "Stored responses (2)": {
    kind: "script",
    check(result) {
      expect(result.stdout.trim()).toBe("queued -> cancelled");
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", body: { background: true }, status: 200 },
        { method: "POST", path: expect.stringMatching(/^\/openai\/responses\/resp_[^/]+\/cancel$/) as unknown as string, status: 200 },
      ]);
    },
  },

  "callMetadata() and cost": {
    kind: "script",
    check(result) {
      const [where, ids, usage, cost] = lines(result.stdout);
      expect(where).toBe("azure gpt-4o https://my-resource.openai.azure.com 200");
      expect(ids).toMatch(/^\S+ \d+$/);
      expect(JSON.parse(usage!)).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
      expect(Number(/^cost: \$(\S+)$/.exec(cost!)?.[1])).toBeGreaterThan(0);
    },
  },
  "callMetadata() and cost (2)": {
    kind: "script",
    check(result) {
      expect(Number(/^cost: \$(\S+)$/.exec(result.stdout.trim())?.[1])).toBeGreaterThan(0);
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", body: { model: "my-custom-o1-pro" }, status: 200 }]);
      expect(result.upstream[0]!.body).not.toHaveProperty("model_info");
    },
  },

  "Logging callbacks": {
    kind: "script",
    check(result) {
      const out = lines(result.stdout);
      expect(out).toContainEqual(expect.stringMatching(/^success: responses azure\/gpt-4o \d+ acme$/));
      expect(out).toContainEqual(expect.stringMatching(/^this call cost \d/));
      expect(out).toContainEqual("failure: azure/no-such-deployment 404 DeploymentNotFound");
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", body: { model: "gpt-4o" }, status: 200 },
        { method: "POST", path: "/openai/responses", body: { model: "no-such-deployment" }, status: 404 },
      ]);
      // SDK options stay in the SDK.
      expect(result.upstream[0]!.body).not.toHaveProperty("dheera_metadata");
      expect(result.upstream[0]!.body).not.toHaveProperty("callbacks");
    },
  },

  "createDheera() and registerProvider()": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/\S/);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: RESOURCE, body: { model: "gpt-4o" }, status: 200 }]);
    },
  },
  "createDheera() and registerProvider() (2)": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/\S/);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: RESOURCE, body: { model: "gpt-4o" }, status: 200 }]);
    },
  },

  "createRouter()": {
    kind: "script",
    check(result) {
      const [first, followUp, linked] = lines(result.stdout);
      // The follow-up is pinned to the deployment holding the first response, at the first attempt.
      expect(first).toMatch(/^gpt-4o-(us|eu) 1 null$/);
      expect(followUp).toBe(first);
      expect(linked).toBe("true");
      const host = first!.startsWith("gpt-4o-us") ? RESOURCE : "my-resource-eu.openai.azure.com";
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", host, query: DATED, body: { model: "gpt-4o", input: "My name is Ada." }, status: 200 },
        { method: "POST", path: "/openai/responses", host, query: DATED, body: { model: "gpt-4o", previous_response_id: expect.stringMatching(/^resp_/) as unknown as string }, status: 200 },
        { method: "GET", path: expect.stringMatching(/^\/openai\/responses\/resp_[^/]+$/) as unknown as string, host, status: 200 },
      ]);
      // The 200 of the follow-up shows it named the upstream's own id (the emulator knows no other);
      // the router's id of the follow-up is longer, since it carries the deployment.
      const upstreamId = result.upstream[2]!.path.split("/").at(-1)!;
      expect(upstreamId).not.toBe((result.upstream[1]!.body as { previous_response_id: string }).previous_response_id);
    },
  },
  "createRouter() > Config errors": {
    kind: "script",
    check(result) {
      expect(result.stdout.split("\n")[0]).toBe("Invalid createRouter options (3 problems):");
      // Found before any request.
      expect(result.upstream).toEqual([]);
    },
  },
  "createRouter() > Config errors (2)": { kind: "output" },
  "createRouter() > num_retries without a router": {
    kind: "script",
    check(result) {
      expect(result.stdout.trim()).toBe("completed 1");
      expectUpstream(result, [{ method: "POST", path: "/openai/responses", host: RESOURCE, query: DATED, body: { model: "gpt-4o", input: "Hello" }, status: 200 }]);
      // An SDK option: not in the request.
      expect(result.upstream[0]!.body).not.toHaveProperty("num_retries");
    },
  },

  Transports: {
    kind: "script",
    check(result) {
      expect(result.stdout.trim()).toBe("upstream calls: 1");
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", status: 200 }]);
      expect(result.upstream[0]!.headers["x-trace-id"]).toBe("trace-1");
    },
  },

  "Azure settings": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/\S/);
      // api_base from AZURE_API_BASE, the key from AZURE_API_KEY, the default api_version v1.
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/chat/completions", host: RESOURCE, body: { model: "gpt-4o" }, status: 200 }]);
      expect(result.upstream[0]!.headers).toHaveProperty("api-key");
    },
  },
  "Azure settings (3)": {
    kind: "script",
    check(result) {
      expect(result.stdout).toMatch(/\S/);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: RESOURCE, status: 200 }]);
      // The token, not the AZURE_API_KEY of the environment.
      expect(result.upstream[0]!.headers).toHaveProperty("authorization");
      expect(result.upstream[0]!.headers).not.toHaveProperty("api-key");
    },
  },

  Errors: {
    kind: "script",
    check(result) {
      expectUpstream(result, [
        { method: "POST", path: "/openai/responses", body: { model: "no-such-deployment" }, status: 404 },
        { method: "POST", path: "/openai/responses", query: { "api-version": "2023-03-15-preview" }, status: 404 },
      ]);
    },
  },
  "Errors (2)": { kind: "output" },
});
