import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

/*
 * Serverless users bundle the SDK and its dependencies into one file and deploy it without
 * node_modules. Everything @dheera/core loads at run time must therefore be reachable by a bundler
 * (a static import, not a computed require): this bundles core's transport and runs the result
 * from a folder with no node_modules.
 */
const dir = mkdtempSync(path.join(tmpdir(), "dheera-bundle-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("@dheera/core bundled into one file", () => {
  it("starts its undici transport without node_modules", async () => {
    const entry = path.join(dir, "entry.ts");
    const transport = path.join(path.dirname(fileURLToPath(import.meta.url)), "undici-transport.ts");
    writeFileSync(
      entry,
      `import { undiciTransport } from ${JSON.stringify(transport)};
const t = undiciTransport();
console.log(typeof t === "function" ? "transport ready" : "no transport");
void t.close();
`,
    );
    const out = path.join(dir, "bundle.cjs");
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile: out, logLevel: "silent" });
    expect(execFileSync(process.execPath, [out], { cwd: dir, encoding: "utf8", timeout: 20_000 }).trim()).toBe("transport ready");
  }, 30_000);
});
