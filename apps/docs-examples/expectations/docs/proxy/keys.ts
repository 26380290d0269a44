import { expect } from "vitest";
import { expectUpstream, jsonBody } from "../../../src/checks.js";
import { defineExpectations, type RunResult } from "../../../src/expectation.js";

const MASTER_KEY = { DHEERA_AI_MASTER_KEY: "sk-1234" };

/** A curl block's one answer: its status and JSON body. */
function answer(result: RunResult, status = 200): Record<string, any> {
  expect(result.statuses, result.stdout.slice(0, 500)).toEqual([status]);
  return jsonBody(result.stdout) as Record<string, any>;
}

export default defineExpectations({
  "Set up": { kind: "proxy-config", env: MASTER_KEY },
  "Set up (2)": { kind: "proxy-start", env: MASTER_KEY },

  "Create a key": {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      const key = answer(result);
      expect(key.key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
      expect(key).toMatchObject({ key_alias: "search-service", models: ["gpt-4o"], rpm_limit: 60, max_budget: 25, budget_duration: "30d", expires: null, blocked: false });
      expect(key.token).toMatch(/^[0-9a-f]{64}$/);
      expect(key.key_name).toBe(`sk-...${key.key.slice(-4)}`);
      // Admin work never reaches Azure.
      expectUpstream(result, []);
    },
  },

  "Call with the key": {
    kind: "script",
    env: MASTER_KEY,
    check(result) {
      expect(result.stdout.trim().split("\n")).toEqual(["completed", "gpt-4o", "403 model_access_denied"]);
      // One call reached Azure; the refused one did not.
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", status: 200, body: { model: "gpt-4o" } }]);
    },
  },
  "Call with the key (2)": { kind: "output" },

  "Rate limits": {
    kind: "script",
    env: MASTER_KEY,
    async before() {
      // Limits count per minute on the clock: start well inside one.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
    },
    check(result) {
      // Two calls reached Azure; the refused one did not.
      expect(result.upstream).toHaveLength(2);
    },
  },
  "Rate limits (2)": { kind: "output" },

  Teams: {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      expect(answer(result)).toMatchObject({ team_id: "search", team_alias: "Search", models: ["gpt-4o"], max_budget: 500, budget_duration: "1mo" });
    },
  },
  "Teams (2)": {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      const key = answer(result);
      expect(key).toMatchObject({ team_id: "search", key_alias: "search-indexer", models: [] });
      expect(key.key).toMatch(/^sk-/);
    },
  },

  "Manage keys": {
    kind: "command",
    env: MASTER_KEY,
    async check(result, context) {
      expect(answer(result)).toMatchObject({ key_alias: "search-indexer", blocked: true });
      const info = await context.fetchProxy("/team/info?team_id=search", { headers: { authorization: "Bearer sk-1234" } });
      const body = (await info.json()) as { keys: { key_alias: string; blocked: boolean }[] };
      expect(body.keys).toEqual([expect.objectContaining({ key_alias: "search-indexer", blocked: true })]);
    },
  },

  "Spend per key and team": {
    kind: "command",
    env: MASTER_KEY,
    check(result) {
      const logs = answer(result);
      // The reader's call and the refused one, newest first.
      expect(logs.data.map((r: { status: number }) => r.status)).toEqual([403, 200]);
      expect(logs.data[1]).toMatchObject({ key_alias: "docs-reader", model_name: "gpt-4o", call_type: "responses", team_id: null });
      expect(logs.data[1].cost).toBeGreaterThan(0);
    },
  },
});
