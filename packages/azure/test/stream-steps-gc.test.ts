import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";

/*
 * A bridge's stream step lives for one stream and must die with it in a young-generation GC.
 * An object literal with a getter (`get done()`) got a hidden class of its own per step (its
 * accessor is the step's closure); V8's scavenger keeps such classes alive, and through them the
 * step's closures, maps and last chunks, until the next full GC. At a few thousand streams a
 * second that promoted 2.4-4.4 KB a stream to the old generation: longer scavenges, a full GC every
 * few seconds, a higher p99. Measured in a child process with --expose-gc on the built package
 * (pnpm build runs before the tests): the old generation's growth after streams whose steps are
 * all unreachable, across two young collections.
 */

const run = promisify(execFile);
const bridge = fileURLToPath(new URL("../dist/bridge/index.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../src/transform/__fixtures__/${name}.chunks.txt`, import.meta.url));

const CHILD = `
import { readFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";
const [bridgePath, fixturePath, kind, count] = process.argv.slice(1);
const bridge = await import(bridgePath);
const events = readFileSync(fixturePath, "utf8").split("\\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const make = kind === "responses-to-chat" ? () => bridge.responsesToChatChunksStep({ model: "m" }) : () => bridge.chatChunksToResponsesStep({ model: "m" });
const oldUsed = () => getHeapSpaceStatistics().find((s) => s.space_name === "old_space").space_used_size;
const once = () => { const step = make(); let n = 0; for (const e of events) { n += step.push(e).length; if (step.done) break; } if (!step.done) n += step.end().length; return n; };
for (let i = 0; i < 200; i++) once();
gc(); gc();
const before = oldUsed();
let sent = 0;
for (let i = 0; i < Number(count); i++) sent += once();
gc({ type: "minor" }); gc({ type: "minor" });
process.stdout.write(JSON.stringify({ promoted: oldUsed() - before, sent }));
`;

async function promotedPerStream(kind: "responses-to-chat" | "chat-to-responses", fixtureName: string): Promise<number> {
  const streams = 3000;
  const { stdout } = await run(process.execPath, ["--expose-gc", "--input-type=module", "-e", CHILD, bridge, fixture(fixtureName), kind, String(streams)]);
  const { promoted, sent } = JSON.parse(stdout) as { promoted: number; sent: number };
  expect(sent).toBeGreaterThan(streams);
  return promoted / streams;
}

describe("bridge stream steps are young garbage once their stream is done", () => {
  // With the getter, 3,000 steps left 2.4-2.6 KB each in the old generation (2,373 and 2,607 bytes);
  // without it, 12 and 53 bytes.
  test("responses -> chat chunks", async () => {
    expect(await promotedPerStream("responses-to-chat", "responses-plain-text")).toBeLessThan(300);
  });

  test("chat chunks -> responses events", async () => {
    expect(await promotedPerStream("chat-to-responses", "chat-text")).toBeLessThan(300);
  });
});
