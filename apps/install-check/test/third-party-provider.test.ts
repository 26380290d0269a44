import { execFile, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureEmulator } from "@dheera/azure/testing";
import { startInstalledProxy } from "./helpers/installed-proxy.js";

/*
 * A provider published by someone else, as a user meets it: examples/dheera-provider-example is
 * packed and installed with plain npm next to a packed SDK and a packed proxy, then used from a
 * script and from a plain config.yaml, found by its name alone (`example/...` ->
 * dheera-provider-example). Its upstream is the Azure emulator's v1 API, which is
 * OpenAI-compatible.
 */

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("a third-party provider package, packed and installed with npm", () => {
  let dir: string;
  let project: string;
  const azure = createAzureEmulator();
  let emulator: Awaited<ReturnType<typeof azure.listen>>;
  let proxy: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "dheera-third-party-"));
    const packs = path.join(dir, "packs");
    for (const folder of ["packages/core", "packages/sdk", "packages/proxy", "examples/dheera-provider-example"]) {
      await run("pnpm", ["pack", "--pack-destination", packs], { cwd: path.join(root, folder) });
    }
    project = path.join(dir, "project");
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
    const tarballs = (await readdir(packs)).map((f) => path.join(packs, f));
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs, "zod@4"], { cwd: project });
    emulator = await azure.listen();
  });

  afterAll(async () => {
    proxy?.kill("SIGKILL");
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the SDK finds it by the community name and calls through it", async () => {
    await writeFile(
      path.join(project, "call.mjs"),
      [
        'import { callMetadata, responses } from "@dheera/sdk";',
        `const r = await responses({ model: "example/gpt-4o", input: "Say hello.", api_base: "${emulator.url}/openai/v1" });`,
        "console.log(JSON.stringify({ status: r.status, text: r.output_text, provider: callMetadata(r).provider, cost: callMetadata(r).cost }));",
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["call.mjs"], { cwd: project, env: { ...process.env, EXAMPLE_API_KEY: "test-azure-key" } });
    const out = JSON.parse(stdout.trim()) as { status: string; text: string; provider: string; cost: number };
    expect(out).toMatchObject({ status: "completed", provider: "example" });
    expect(out.text).toMatch(/Say hello/);
    expect(out.cost).toBeGreaterThan(0);
    expect(azure.requests.at(-1)).toMatchObject({ path: "/openai/v1/responses", authOk: true });
  });

  it("the proxy finds it from a plain config.yaml and serves it to an HTTP client", async () => {
    await writeFile(
      path.join(project, "config.yaml"),
      ["model_list:", "  - model_name: hello", "    dheera_ai_params:", "      model: example/gpt-4o", "      api_key: os.environ/EXAMPLE_API_KEY", `      api_base: ${emulator.url}/openai/v1`, ""].join("\n"),
    );
    const started = await startInstalledProxy(path.join(project, "node_modules/.bin/dheera_ai"), project, {
      ...process.env,
      EXAMPLE_API_KEY: "test-azure-key",
      DHEERA_AI_MASTER_KEY: "sk-third-party",
    });
    proxy = started.child;
    const url = started.url;
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-third-party", "content-type": "application/json" },
      body: JSON.stringify({ model: "hello", messages: [{ role: "user", content: "Hello world" }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; choices: { message: { content: string } }[] };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]!.message.content).toContain("Hello world");
    expect(azure.requests.at(-1)).toMatchObject({ path: "/openai/v1/chat/completions", authOk: true });
  });
});
