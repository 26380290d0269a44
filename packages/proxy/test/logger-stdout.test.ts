import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));

// The default destination writes stdout asynchronously, lines encoded as they come and joined per
// write (logging/logger.ts). A real process on a pipe: bursts of lines while writes are in flight,
// multi-byte text, and the process ending on its own must still give every line, whole, in order.
const CHILD = `
const { createLogger } = await import(process.argv[1]);
const logger = createLogger();
const total = Number(process.argv[2]);
let i = 0;
const burst = () => {
  for (let k = 0; k < 500 && i < total; k++, i++) logger.info({ i, text: "naïve café ✓ 日本語 " + "x".repeat(i % 300) }, "line");
  if (i < total) setImmediate(burst);
};
burst();
`;

describe("stdout logging", () => {
  it("writes every line whole and in order, multi-byte text included, under bursts", async () => {
    const total = 20_000;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD, dist, String(total)], { maxBuffer: 64 * 1024 * 1024 });
    const lines = stdout.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(total);
    lines.forEach((line, n) => {
      const parsed = JSON.parse(line) as { i: number; text: string; msg: string };
      expect(parsed.i).toBe(n);
      expect(parsed.text).toBe(`naïve café ✓ 日本語 ${"x".repeat(n % 300)}`);
      expect(parsed.msg).toBe("line");
    });
  });
});
