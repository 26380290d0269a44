import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";

/**
 * A redis-server of the test's own on a free loopback port (nothing kept on disk), which the test
 * may stop and start again on the same port to play an outage. DHEERA_SKIP_REDIS=1 skips the
 * tests that need one, saying so; a machine without redis-server fails them with how to get it.
 */

export const SKIP_REDIS = process.env.DHEERA_SKIP_REDIS === "1";
export const SKIP_REDIS_REASON = "Redis tests skipped: DHEERA_SKIP_REDIS=1 is set";
if (SKIP_REDIS) console.warn(`${SKIP_REDIS_REASON} (unset it to run them against a redis-server this test starts).`);

export interface TestRedis {
  url: string;
  port: number;
  /** A key prefix of this test's own. */
  prefix: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTestRedis(): Promise<TestRedis> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is not installed: install Debian's redis-server package (apt-get install redis-server), or set DHEERA_SKIP_REDIS=1 to skip these tests.");
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) resolve();
      };
      proc.stdout!.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
    });
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, prefix: `dheera-test-${randomBytes(4).toString("hex")}:`, stop, start };
}
