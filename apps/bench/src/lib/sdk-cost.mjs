// What `responses()` of @dheera/sdk costs per call compared with a raw undici request carrying
// the same body to the same fake upstream, in this process: N sequential calls each, in
// alternating blocks (so drift and GC hit both sides alike), ratio of the mean times.
import { performance } from "node:perf_hooks";
import { responses } from "@dheera/sdk";
import { Agent, request } from "undici";
import { round, summarize } from "./stats.mjs";

export async function sdkCost({ upstream, apiKey, apiVersion, deployment, input, calls, warmup, block = 100 }) {
  const url = `${upstream}/openai/responses?api-version=${apiVersion}`;
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { accept: "application/json", "content-type": "application/json", "api-key": apiKey };
  // Priced like the proxy's deployments (model_info is SDK-only, never sent upstream).
  const settings = { model: `azure/${deployment}`, api_key: apiKey, api_base: upstream, api_version: apiVersion, model_info: { base_model: "gpt-4o" } };

  const variants = {
    json: {
      raw: async () => {
        const res = await request(url, { method: "POST", headers, body: JSON.stringify({ model: deployment, input, stream: false }), dispatcher: agent });
        const body = await res.body.json();
        if (res.statusCode !== 200 || body.status !== "completed") throw new Error(`raw call failed: ${res.statusCode}`);
      },
      sdk: async () => {
        const r = await responses({ ...settings, input });
        if (r.status !== "completed") throw new Error("sdk call failed");
      },
    },
    stream: {
      // The raw side reads the bytes; the SDK side parses every event (what a caller gets).
      raw: async () => {
        const res = await request(url, { method: "POST", headers, body: JSON.stringify({ model: deployment, input, stream: true }), dispatcher: agent });
        let n = 0;
        for await (const chunk of res.body) n += chunk.length;
        if (res.statusCode !== 200 || n === 0) throw new Error(`raw stream failed: ${res.statusCode}`);
      },
      sdk: async () => {
        let last;
        for await (const event of await responses({ ...settings, input, stream: true })) last = event;
        if (last?.type !== "response.completed") throw new Error("sdk stream failed");
      },
    },
  };

  const out = {};
  for (const [name, v] of Object.entries(variants)) {
    for (let i = 0; i < warmup; i++) {
      await v.raw();
      await v.sdk();
    }
    const raw = [];
    const sdk = [];
    for (let done = 0; done < calls; done += block) {
      for (const [fn, into] of done % (2 * block) === 0 ? [[v.raw, raw], [v.sdk, sdk]] : [[v.sdk, sdk], [v.raw, raw]]) {
        for (let i = 0; i < block; i++) {
          const t0 = performance.now();
          await fn();
          into.push(performance.now() - t0);
        }
      }
    }
    const r = summarize(raw);
    const s = summarize(sdk);
    out[name] = {
      calls,
      rawMs: r,
      sdkMs: s,
      ratio: round(s.mean / r.mean, 2),
      addedPerCallUs: round((s.mean - r.mean) * 1000, 1),
    };
  }
  await agent.close();
  return out;
}
