import { readFile } from "node:fs/promises";
import path from "node:path";
import type { RecordedRequest } from "@dheera/azure/testing";
import { DEPLOYMENT_ROUTING_KEYS, ROUTER_DEFAULTS, retryPolicySchema, routerPolicy, routerSettingsSchema, routingStrategySchema } from "@dheera/core";
import { expect } from "vitest";
import { expectUpstream, httpBody, jsonBody } from "../../../src/checks.js";
import { configKeys } from "../../../src/config-keys.js";
import { defineExpectations, inlineCode, type CheckContext, type PageCheck } from "../../../src/expectation.js";
import { REPO_ROOT } from "../../../src/page-session.js";

const MAIN = "my-resource.openai.azure.com";
const EU = "my-resource-eu.openai.azure.com";
const MASTER_KEY = { DHEERA_AI_MASTER_KEY: "sk-1234" };

const hostOf = (r: RecordedRequest) => r.headers["x-forwarded-host"];
/** The `input` of a recorded Responses request: which client request it was. */
const inputOf = (r: RecordedRequest) => (r.body as { input?: unknown } | undefined)?.input;

/** Lines of a block's stdout, trimmed, without blank ones. */
const lines = (stdout: string) =>
  stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

/** A header of `curl -i` output (the last one of that name: the final response's). */
function curlHeader(stdout: string, name: string): string | undefined {
  const matches = [...stdout.matchAll(new RegExp(`^${name}: *(.*?)\\r?$`, "gim"))];
  return matches.at(-1)?.[1];
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  /** What the emulator received for this request, in order. */
  upstream: RecordedRequest[];
}

/** One request to the page's proxy, as a second terminal would send it (test-side). */
async function ask(context: CheckContext, body: Record<string, unknown>, pathname = "/v1/responses"): Promise<Answer> {
  const before = context.upstreamRequests().length;
  const res = await context.fetchProxy(pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a stream
  }
  return { status: res.status, headers: res.headers, body: parsed, upstream: context.upstreamRequests().slice(before) };
}

/** Sends `inputs` one after the other; returns the resource each was answered by. */
async function hostsFor(context: CheckContext, inputs: string[]): Promise<string[]> {
  const hosts: string[] = [];
  for (const input of inputs) {
    const answer = await ask(context, { model: "gpt-4o", input });
    expect(answer.status, `answer to ${input}: ${JSON.stringify(answer.body).slice(0, 500)}`).toBe(200);
    expect(answer.upstream).toHaveLength(1);
    hosts.push(hostOf(answer.upstream[0]!)!);
  }
  return hosts;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The first markdown table after `heading`, as { key: default } for its rows whose first cell is `key`. */
function tableDefaults(markdown: string, heading: string): Map<string, string> {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = markdown.slice(start + heading.length + 2).split("\n");
  const first = rest.findIndex((l) => l.startsWith("|"));
  const out = new Map<string, string>();
  for (const line of rest.slice(first)) {
    if (!line.startsWith("|")) break;
    const cells = line.split("|").map((c) => c.trim());
    const key = /^`([^`]+)`$/.exec(cells[1] ?? "")?.[1];
    if (key) out.set(key, cells[2] ?? "");
  }
  return out;
}

/**
 * The page names every routing key, retry class and strategy as `code`; its router_settings
 * table states the router's defaults; and config.md's router_settings table agrees with it.
 */
export const pageCheck: PageCheck = async (markdown) => {
  const mentioned = inlineCode(markdown);
  const names = [
    ...configKeys(routerSettingsSchema).map((k) => k.split(".").at(-1)!),
    ...DEPLOYMENT_ROUTING_KEYS,
    ...Object.keys(retryPolicySchema.shape),
    ...routingStrategySchema.options,
    "x-dheera-attempts",
    "x-dheera-deployment",
    "x-dheera-fallback-model",
    "deployments_cooling_down",
    "no_deployment_available",
  ];
  expect(names.filter((n) => !mentioned.has(n)), "routing names docs/proxy/routing.md does not mention as `name`").toEqual([]);

  const routing = tableDefaults(markdown, "## `router_settings`");
  expect([...routing.keys()].sort()).toEqual(Object.keys(routerSettingsSchema.shape).sort());
  const policy = routerPolicy({});
  expect(Object.fromEntries(["routing_strategy", "num_retries", "retry_after", "allowed_fails", "cooldown_time"].map((k) => [k, routing.get(k)]))).toEqual({
    routing_strategy: `\`${ROUTER_DEFAULTS.routing_strategy}\``,
    num_retries: `\`${ROUTER_DEFAULTS.num_retries}\``,
    retry_after: `\`${policy.minRetryWaitMs / 1000}\``,
    allowed_fails: `\`${ROUTER_DEFAULTS.allowed_fails}\``,
    cooldown_time: `\`${ROUTER_DEFAULTS.cooldown_time}\``,
  });
  const perDeployment = tableDefaults(markdown, "## Per-deployment keys");
  expect([...perDeployment.keys()].sort()).toEqual([...DEPLOYMENT_ROUTING_KEYS].sort());

  const config = tableDefaults(await readFile(path.join(REPO_ROOT, "docs/proxy/config.md"), "utf8"), "### `router_settings`");
  expect(Object.fromEntries(config), "defaults in config.md's router_settings table").toEqual(Object.fromEntries(routing));
};

/** Each request went to another resource than the one before. */
const alternating = (hosts: string[]) => hosts.every((h, i) => i === 0 || h !== hosts[i - 1]);

export default defineExpectations({
  "Several deployments of one model": { kind: "proxy-config" },
  "Several deployments of one model (2)": { kind: "proxy-start" },
  "Several deployments of one model (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(curlHeader(result.stdout, "x-dheera-attempts")).toBe("1");
      expect(curlHeader(result.stdout, "x-dheera-deployment")).toBe("gpt-4o-main");
      expect(JSON.parse(httpBody(result.stdout))).toMatchObject({ object: "response", status: "completed" });
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: MAIN, body: { model: "gpt-4o", input: "Hello world" }, status: 200 }]);
    },
  },
  "Several deployments of one model (4)": { kind: "output" },
  "Several deployments of one model (5)": {
    kind: "script",
    check(result) {
      expect(lines(result.stdout)).toEqual(["gpt-4o-eu", "gpt-4o-main", "gpt-4o-eu", "gpt-4o-main"]);
      expect(result.upstream.map(hostOf)).toEqual([EU, MAIN, EU, MAIN]);
    },
  },
  "Several deployments of one model (6)": { kind: "output" },

  "Per-deployment keys": {
    kind: "proxy-config",
    async check(_result, context) {
      // order 1 takes everything while it answers.
      expect(await hostsFor(context, ["a", "b", "c", "d"])).toEqual([MAIN, MAIN, MAIN, MAIN]);
    },
  },

  "Routing strategies > simple-shuffle": {
    kind: "proxy-config",
    async check(_result, context) {
      const hosts = await hostsFor(context, Array.from({ length: 60 }, (_, i) => `shuffle ${i}`));
      const main = hosts.filter((h) => h === MAIN).length;
      // weight 3 : 1 (a binomial 60 x 0.75 is at most 30 about once in 200 000 runs).
      expect(main).toBeGreaterThan(30);
      expect(main).toBeLessThan(60);
    },
  },
  "Routing strategies > least-busy": {
    kind: "proxy-config",
    async check(_result, context) {
      // A slow request holds one deployment; the next ones go to the other.
      const slow = ask(context, { model: "gpt-4o", input: "busy [[slow]]" });
      await sleep(300);
      const others = await hostsFor(context, ["while busy 1", "while busy 2", "while busy 3"]);
      const held = await slow;
      expect(held.status).toBe(200);
      const busyHost = hostOf(held.upstream.find((r) => inputOf(r) === "busy [[slow]]")!);
      expect(others.length).toBe(3);
      expect(others.every((h) => h !== busyHost)).toBe(true);
    },
  },
  "Routing strategies > round-robin": {
    kind: "proxy-config",
    async check(_result, context) {
      const hosts = await hostsFor(context, ["1", "2", "3", "4"]);
      expect(alternating(hosts)).toBe(true);
      expect(new Set(hosts)).toEqual(new Set([MAIN, EU]));
    },
  },
  "Routing strategies > latency-based-routing": {
    kind: "proxy-config",
    async check(_result, context) {
      // The first (slow) answer measures one deployment; the other is measured next, then wins.
      const hosts = await hostsFor(context, ["first [[slow]]", "2", "3", "4", "5", "6"]);
      expect(hosts[1]).not.toBe(hosts[0]);
      expect(hosts.slice(2)).toEqual([hosts[1], hosts[1], hosts[1], hosts[1]]);
    },
  },
  "Routing strategies > usage-based-routing": { kind: "proxy-config" },
  "Routing strategies > usage-based-routing (2)": {
    kind: "script",
    check(result) {
      const printed = lines(result.stdout);
      expect(printed.slice(0, 5)).toEqual(["1 gpt-4o-main", "2 gpt-4o-eu", "3 gpt-4o-eu", "4 gpt-4o-main", "5 gpt-4o-eu"]);
      // The seconds left in the clock minute.
      expect(printed[5]).toMatch(/^6 429 no_deployment_available ([1-9]|[1-5]\d|60)$/);
      expect(result.upstream.map(hostOf)).toEqual([MAIN, EU, EU, MAIN, EU]);
    },
  },
  "Routing strategies > usage-based-routing (3)": { kind: "output" },

  "Retries > Where the retry goes": { kind: "proxy-config" },
  "Retries > Where the retry goes (2)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(curlHeader(result.stdout, "x-dheera-attempts")).toBe("2");
      expect(curlHeader(result.stdout, "x-dheera-deployment")).toBe("gpt-4o-eu");
      expect(curlHeader(result.stdout, "x-dheera-fallback-model")).toBeUndefined();
      expect(JSON.parse(httpBody(result.stdout))).toMatchObject({ object: "response", status: "completed" });
      // The first attempt never reached a server; the second went to the EU resource.
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: EU, status: 200 }]);
    },
  },
  "Retries > Where the retry goes (3)": { kind: "output" },

  Cooldowns: {
    kind: "script",
    check(result) {
      const attempts = lines(result.stdout).map((l) => {
        const m = /^gpt-4o-eu after (\d) attempt\(s\)$/.exec(l);
        expect(m, l).not.toBeNull();
        return Number(m![1]);
      });
      // gpt-4o-down failed once in the curl above; three more failures here open its breaker.
      expect(attempts).toEqual([1, 2, 1, 2, 1, 2, 1, 1, 1, 1]);
      expect(result.upstream.map(hostOf)).toEqual(Array(10).fill(EU));
    },
  },
  "Cooldowns (2)": { kind: "output" },
  "Cooldowns (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      const body = jsonBody(result.stdout) as {
        healthy_endpoints: { deployment_id: string; status: string }[];
        unhealthy_endpoints: { deployment_id: string; status: string; cooldown_remaining_s?: number; cooldown_reason?: string }[];
      };
      expect(body.healthy_endpoints).toMatchObject([{ deployment_id: "gpt-4o-eu", status: "healthy" }]);
      expect(body.unhealthy_endpoints).toMatchObject([{ deployment_id: "gpt-4o-down", status: "cooling_down", cooldown_reason: "failures" }]);
      expect(body.unhealthy_endpoints[0]!.cooldown_remaining_s).toBeGreaterThan(0);
    },
  },

  "Cooldowns > When every deployment is cooling down": { kind: "proxy-config" },
  "Cooldowns > When every deployment is cooling down (2)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([404, 503]);
      expect(result.stdout).toMatch(/"code":"DeploymentNotFound"/);
      // Both deployments were tried once (404: misconfigured, cooled at once); the second request reached nobody.
      expect(result.upstream.map((r) => [hostOf(r), r.status]).sort()).toEqual([
        [EU, 404],
        [MAIN, 404],
      ]);
    },
  },
  "Cooldowns > When every deployment is cooling down (3)": { kind: "output" },

  Fallbacks: { kind: "proxy-config", env: MASTER_KEY },
  "Fallbacks (2)": { kind: "proxy-start" },
  "Fallbacks (3)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(curlHeader(result.stdout, "x-dheera-attempts")).toBe("4");
      expect(curlHeader(result.stdout, "x-dheera-deployment")).toBe("o1-pro-eu");
      expect(curlHeader(result.stdout, "x-dheera-fallback-model")).toBe("o1-pro-eu");
      expect(JSON.parse(httpBody(result.stdout))).toMatchObject({ object: "response", status: "completed" });
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: EU, body: { model: "o1-pro" }, status: 200 }]);
    },
  },
  "Fallbacks (4)": { kind: "output" },
  "Fallbacks (5)": {
    kind: "command",
    check(result) {
      expect(result.statuses).toEqual([200]);
      expect(curlHeader(result.stdout, "x-dheera-attempts")).toBe("4");
      expect(curlHeader(result.stdout, "x-dheera-fallback-model")).toBe("o1-pro-eu");
      expect(result.stdout).toMatch(/^event: response\.created\r?$/m);
      expect(result.stdout).toMatch(/^event: response\.completed\r?$/m);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: EU, body: { model: "o1-pro", stream: true }, status: 200 }]);
    },
  },
  "Fallbacks (6)": { kind: "output" },
  "Fallbacks (7)": {
    kind: "command",
    // A reader types this a moment later; spend rows are written every 200 ms.
    before: () => sleep(600),
    check(result) {
      expect(result.statuses).toEqual([200]);
      const { data } = jsonBody(result.stdout) as { data: { model_name: string; deployment: string; attempts: number; stream: boolean; status: number }[] };
      expect(data.map(({ model_name, deployment, attempts, stream, status }) => ({ model_name, deployment, attempts, stream, status }))).toEqual([
        { model_name: "o1-pro", deployment: "azure/o1-pro#1", attempts: 4, stream: true, status: 200 },
        { model_name: "o1-pro", deployment: "azure/o1-pro#1", attempts: 4, stream: false, status: 200 },
      ]);
    },
  },

  "Fallbacks > Context window and content policy fallbacks": {
    kind: "proxy-config",
    timeoutMs: 45_000,
    async check(_result, context) {
      // The emulator refuses on every deployment, so the fallback refuses too: what is checked
      // here is where each refusal went, and what the answer says about it.
      const tooLong = await ask(context, { model: "gpt-4o", input: "[[context_length_exceeded]]" });
      expect(tooLong.status).toBe(400);
      expect(tooLong.headers.get("x-dheera-attempts")).toBe("2");
      expect(tooLong.headers.get("x-dheera-fallback-model")).toBe("gpt-4.1");
      expect(tooLong.upstream.map((r) => [hostOf(r), (r.body as { model: string }).model, r.status])).toEqual([
        [MAIN, "gpt-4o", 400],
        [MAIN, "gpt-4.1", 400],
      ]);

      const filtered = await ask(context, { model: "gpt-4o", input: "[[content_filter]]" });
      expect(filtered.headers.get("x-dheera-attempts")).toBe("2");
      expect(filtered.headers.get("x-dheera-fallback-model")).toBe("gpt-4o-custom-filter");
      expect(filtered.upstream.map((r) => [hostOf(r), (r.body as { model: string }).model])).toEqual([
        [MAIN, "gpt-4o"],
        [EU, "gpt-4o"],
      ]);

      // Any other failure: gpt-4o's three attempts, then default_fallbacks (three more).
      const broken = await ask(context, { model: "gpt-4o", input: "[[server_error]]" });
      expect(broken.status).toBe(500);
      expect(broken.headers.get("x-dheera-attempts")).toBe("6");
      expect(broken.headers.get("x-dheera-fallback-model")).toBe("gpt-4.1");
      expect(broken.upstream.map((r) => (r.body as { model: string }).model)).toEqual(["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4.1", "gpt-4.1", "gpt-4.1"]);
    },
  },

  "Coming from LiteLLM": { kind: "proxy-config", rejectedWith: /router_settings\.redis_host: unknown key/ },
  "Coming from LiteLLM (2)": { kind: "output" },
});
