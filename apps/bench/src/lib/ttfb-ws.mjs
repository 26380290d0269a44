// Time to first byte over the Responses WebSocket mode: N sequential `response.create` turns on
// one connection, timing from sending the frame to the first event frame, and to the terminal
// one. The same measure as ttfb.mjs's for SSE, so the two compare within one run.
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { summarize } from "./stats.mjs";

const TERMINAL = /"type":"(response\.completed|response\.failed|response\.incomplete|error)"/;

export async function measureWsTtfb({ url, headers, event, requests, warmup }) {
  const ws = new WebSocket(url, { headers });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const first = [];
  const total = [];
  let bytes = 0;
  const frame = JSON.stringify(event);
  try {
    for (let i = 0; i < warmup + requests; i++) {
      const t0 = performance.now();
      let t1;
      let n = 0;
      await new Promise((resolve, reject) => {
        const onMessage = (data) => {
          t1 ??= performance.now();
          n += data.length;
          const text = String(data);
          if (!TERMINAL.test(text)) return;
          ws.off("message", onMessage);
          if (text.includes('"type":"error"')) reject(new Error(`WS TTFB ${url}: ${text.slice(0, 300)}`));
          else resolve();
        };
        ws.on("message", onMessage);
        ws.send(frame);
      });
      const t2 = performance.now();
      if (i >= warmup) {
        first.push(t1 - t0);
        total.push(t2 - t0);
        bytes = n;
      }
    }
  } finally {
    ws.close();
  }
  return { firstByteMs: summarize(first), totalMs: summarize(total), bytes };
}
