// Memory with many concurrent open streams: `count` client connections to the proxy, each a
// streaming request the fake upstream keeps open (first events at once, then one delta every
// drip_ms). Once every stream has its first event, the proxy's RSS is sampled for `holdMs`;
// then all clients disconnect (which must abort the upstream requests too).
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { memory, watchRss } from "./rss.mjs";

export async function openStreams({ pid, url, path, headers, body, count, holdMs, batch = 100, upstreamStats }) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const target = new URL(url);
  const idle = memory(pid).rss;
  const watch = watchRss(pid, 25);
  const requests = [];
  let firstBytes = 0;
  let failures = 0;
  let bytes = 0;
  const open = () =>
    new Promise((resolve) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path, method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (res) => {
          if (res.statusCode !== 200) failures++;
          let seen = false;
          res.on("data", (chunk) => {
            bytes += chunk.length;
            if (!seen) {
              seen = true;
              firstBytes++;
              resolve();
            }
          });
          res.on("error", () => {});
          res.on("end", () => resolve());
        },
      );
      req.on("error", () => {
        failures++;
        resolve();
      });
      req.end(body);
      requests.push(req);
    });
  const t0 = Date.now();
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, open));
  }
  const openMs = Date.now() - t0;
  const upstreamOpen = upstreamStats ? (await upstreamStats()).openStreams : undefined;
  await sleep(holdMs);
  const { peak, last } = watch.stop();
  const upstreamOpenAfterHold = upstreamStats ? (await upstreamStats()).openStreams : undefined;
  for (const req of requests) req.destroy();
  agent.destroy();
  // The proxy must let go of the upstream streams once the clients are gone.
  let upstreamLeft;
  if (upstreamStats) {
    for (let i = 0; i < 100; i++) {
      upstreamLeft = (await upstreamStats()).openStreams;
      if (upstreamLeft === 0) break;
      await sleep(50);
    }
  }
  return {
    streams: count,
    withFirstByte: firstBytes,
    failures,
    openMs,
    idleRss: idle,
    peakRss: peak,
    heldRss: last,
    perStreamBytes: peak !== undefined && idle !== undefined ? Math.round((peak - idle) / count) : undefined,
    upstreamOpen,
    upstreamOpenAfterHold,
    upstreamLeftAfterClose: upstreamLeft,
    bytesReceived: bytes,
  };
}
