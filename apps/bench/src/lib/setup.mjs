// The processes under test and how to call each of them: the fake Azure upstream, the
// pass-through baseline and dheera_ai, plus the request (URL, headers, body) of every target.
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { startNode } from "./processes.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = path.resolve(HERE, "../..");
export const ROOT = path.resolve(BENCH_DIR, "../..");
export const CLI = path.join(ROOT, "packages/proxy/dist/cli.js");
const FAKE = path.join(HERE, "../fake-azure.mjs");
const PASSTHROUGH = path.join(HERE, "../passthrough-proxy.mjs");

export const AZURE_KEY = "bench-azure-key";
export const MASTER_KEY = "sk-bench-master-key";
export const API_VERSION = "2025-03-01-preview";
export const DEPLOYMENT = "bench-dep";
export const INPUT = "Tell me a three sentence bedtime story about a unicorn.";
/** Drip mode of the fake (open-streams test): one delta every 500 ms, up to a minute. */
export const SLOW_QUERY = "drip_ms=500&drip_events=120";

const LISTENING = /\{"listening":(\d+)\}/;
const RUNNING = /RUNNING on (http:\/\/\S+)/;

export async function startFake(logDir) {
  const p = await startNode({ name: "fake-azure", script: FAKE, args: ["--port", "0", "--key", AZURE_KEY], logDir, ready: LISTENING });
  const url = `http://127.0.0.1:${p.match[1]}`;
  return {
    ...p,
    url,
    stats: async () => {
      const res = await request(`${url}/_bench/stats`);
      return res.body.json();
    },
  };
}

export async function startPassthrough(logDir, upstream, name = "passthrough") {
  const p = await startNode({ name, script: PASSTHROUGH, args: ["--upstream", upstream, "--port", "0"], cwd: BENCH_DIR, logDir, ready: LISTENING });
  return { ...p, url: `http://127.0.0.1:${p.match[1]}` };
}

/**
 * `router: true` adds the router settings a platform team would run with (retries, cooldowns,
 * a fallback) for case (f), two deployments behind one model_name; leave it off for a config an
 * older build that predates them must read too (compare --base).
 */
export function writeProxyConfig(dir, upstream, { router = false } = {}) {
  // base_model: priced like a real deployment (the cost path runs, no "no price" warning).
  const entry = (name, model, base, id) => `  - model_name: ${name}
    dheera_ai_params:
      model: ${model}
      api_key: ${AZURE_KEY}
      api_base: "${base}"
      api_version: ${API_VERSION}
    model_info:
      base_model: gpt-4o
${id ? `      id: ${id}\n` : ""}`;
  const routerSettings = router
    ? `router_settings:
  routing_strategy: least-busy
  num_retries: 2
  allowed_fails: 3
  cooldown_time: 5
  fallbacks:
    - bench-routed: [bench-responses]
`
    : "";
  const slowBase = `${upstream}/slow?${SLOW_QUERY}`;
  const text = `# Written by apps/bench (pnpm bench). Every model points at the fake Azure upstream.
model_list:
${entry("bench-responses", `azure/${DEPLOYMENT}`, upstream)}${entry("bench-bridge", `azure/responses/${DEPLOYMENT}`, upstream)}${entry("bench-chat", `azure/${DEPLOYMENT}`, upstream)}${entry("bench-responses-slow", `azure/${DEPLOYMENT}`, slowBase)}${entry("bench-bridge-slow", `azure/responses/${DEPLOYMENT}`, slowBase)}${entry("bench-routed", `azure/${DEPLOYMENT}`, upstream, "routed-1")}${entry("bench-routed", `azure/${DEPLOYMENT}`, upstream, "routed-2")}
general_settings:
  master_key: ${MASTER_KEY}
${routerSettings}`;
  const file = path.join(dir, "config.yaml");
  writeFileSync(file, text);
  // dheera_ai runs in `dir` (whatever it writes to its working directory, such as a spend
  // database, stays there) and finds @dheera/azure from the config's folder: this bench's.
  if (!existsSync(path.join(dir, "node_modules"))) symlinkSync(path.join(BENCH_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  return file;
}

/** The process environment without the caller's Azure / proxy settings. */
export function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AZURE_|DHEERA_AI_|OPENAI_)/.test(k) || ["PORT", "HOST", "NUM_WORKERS", "DETAILED_DEBUG", "NODE_OPTIONS"].includes(k)) continue;
    env[k] = v;
  }
  return env;
}

export async function startDheera(logDir, configFile, { name = "dheera_ai", nodeArgs = [], args = [] } = {}) {
  if (!existsSync(CLI)) throw new Error(`${path.relative(ROOT, CLI)} is missing: build first (pnpm bench builds everything, or pnpm build).`);
  const p = await startNode({
    name,
    script: CLI,
    nodeArgs,
    args: ["--config", configFile, "--port", "0", "--host", "127.0.0.1", ...args],
    cwd: path.dirname(configFile),
    env: cleanEnv(),
    logDir,
    ready: RUNNING,
  });
  return { ...p, url: p.match[1] };
}

const JSON_CT = { "content-type": "application/json" };
const upstreamHeaders = { ...JSON_CT, "api-key": AZURE_KEY };
const proxyHeaders = { ...JSON_CT, authorization: `Bearer ${MASTER_KEY}` };
const messages = [{ role: "user", content: INPUT }];

/**
 * A virtual key with every limit set (high enough never to refuse), for case (g): what a
 * platform team's client call costs with auth by virtual key and rate limits, budget and
 * parallel counting on. Undefined when the build has no virtual keys (compare --base on an older one).
 */
export async function createBenchKey(dheera) {
  const res = await request(`${dheera}/key/generate`, {
    method: "POST",
    headers: proxyHeaders,
    body: JSON.stringify({ key_alias: `bench-${Date.now()}`, rpm_limit: 1e9, tpm_limit: 1e12, max_parallel_requests: 1e6, max_budget: 1e9, budget_duration: "30d" }),
  });
  const body = await res.body.text();
  if (res.statusCode !== 200) return undefined;
  return JSON.parse(body).key;
}

/**
 * Every target: `kind` a (direct), b (pass-through), c (dheera /v1/responses), d (dheera chat
 * bridge on azure/responses/...), e (dheera /v1/chat/completions, native chat deployment),
 * f (dheera /v1/responses on a model_name with two deployments, retries and a fallback),
 * g (c with a virtual key that has rate limits and a budget, when `virtualKey` is given),
 * r (f with that key: the realistic configuration issue 18 sets its targets for).
 * `api` is the upstream API the request ends at, which picks the a/b baselines.
 */
export function targets({ upstream, passthrough, dheera, virtualKey }) {
  const responsesPath = `/openai/responses?api-version=${API_VERSION}`;
  const chatPath = `/openai/deployments/${DEPLOYMENT}/chat/completions?api-version=${API_VERSION}`;
  const t = (kind, api, origin, p, headers, body, label) => ({ kind, api, origin, path: p, headers, body, label });
  return {
    responses: {
      a: t("a", "responses", upstream, responsesPath, upstreamHeaders, (s) => ({ model: DEPLOYMENT, input: INPUT, stream: s }), "(a) direct to upstream"),
      b: t("b", "responses", passthrough, responsesPath, upstreamHeaders, (s) => ({ model: DEPLOYMENT, input: INPUT, stream: s }), "(b) pass-through proxy"),
      c: t("c", "responses", dheera, "/v1/responses", proxyHeaders, (s) => ({ model: "bench-responses", input: INPUT, stream: s }), "(c) dheera_ai /v1/responses"),
      d: t("d", "responses", dheera, "/v1/chat/completions", proxyHeaders, (s) => ({ model: "bench-bridge", messages, stream: s }), "(d) dheera_ai chat bridge"),
      f: t("f", "responses", dheera, "/v1/responses", proxyHeaders, (s) => ({ model: "bench-routed", input: INPUT, stream: s }), "(f) dheera_ai /v1/responses, 2 deployments + router"),
      ...(virtualKey
        ? {
            g: t("g", "responses", dheera, "/v1/responses", { ...JSON_CT, authorization: `Bearer ${virtualKey}` }, (s) => ({ model: "bench-responses", input: INPUT, stream: s }), "(g) dheera_ai /v1/responses, virtual key with limits"),
            // Issue 18's realistic configuration, everything on at once: a virtual key with limits
            // and a budget, a model_name with two deployments and a router with retries and a
            // fallback, the spend store, the request log line and the metrics (both on by default).
            r: t("r", "responses", dheera, "/v1/responses", { ...JSON_CT, authorization: `Bearer ${virtualKey}` }, (s) => ({ model: "bench-routed", input: INPUT, stream: s }), "(r) realistic: virtual key, router over 2 deployments, spend, log, metrics"),
          }
        : {}),
    },
    chat: {
      a: t("a", "chat", upstream, chatPath, upstreamHeaders, (s) => ({ messages, stream: s }), "(a) direct to upstream"),
      b: t("b", "chat", passthrough, chatPath, upstreamHeaders, (s) => ({ messages, stream: s }), "(b) pass-through proxy"),
      e: t("e", "chat", dheera, "/v1/chat/completions", proxyHeaders, (s) => ({ model: "bench-chat", messages, stream: s }), "(e) dheera_ai chat, native"),
    },
  };
}

/** One request to check a target answers what it should before it is loaded. */
export async function checkTarget(target, stream) {
  const res = await request(`${target.origin}${target.path}`, { method: "POST", headers: target.headers, body: JSON.stringify(target.body(stream)) });
  const text = await res.body.text();
  const chatOut = target.kind === "d" || target.api === "chat";
  const expect = stream ? (chatOut ? "data: [DONE]" : "event: response.completed") : chatOut ? '"object":"chat.completion"' : '"status":"completed"';
  if (res.statusCode !== 200 || !text.includes(expect)) {
    throw new Error(`${target.label} (${stream ? "stream" : "json"}): status ${res.statusCode}, expected ${expect} in: ${text.slice(0, 300)}`);
  }
  return text.length;
}
