// Time to first byte of a stream: N sequential requests on one keep-alive undici Client, timing
// from sending the request to the first body chunk (the first SSE event), and to the end.
import { performance } from "node:perf_hooks";
import { Client } from "undici";
import { summarize } from "./stats.mjs";

export async function measureTtfb({ origin, path, headers, body, requests, warmup }) {
  const client = new Client(origin, { keepAliveTimeout: 30_000, pipelining: 1 });
  const first = [];
  const total = [];
  let bytes = 0;
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now();
      const res = await client.request({ method: "POST", path, headers, body });
      let t1;
      let n = 0;
      for await (const chunk of res.body) {
        t1 ??= performance.now();
        n += chunk.length;
      }
      const t2 = performance.now();
      if (res.statusCode !== 200) throw new Error(`TTFB ${origin}${path}: status ${res.statusCode}`);
      if (i >= warmup) {
        first.push(t1 - t0);
        total.push(t2 - t0);
        bytes = n;
      }
    }
  } finally {
    await client.close();
  }
  return { firstByteMs: summarize(first), totalMs: summarize(total), bytes };
}
