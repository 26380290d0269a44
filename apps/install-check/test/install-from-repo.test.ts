import { execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureEmulator } from "@dheera/azure/testing";
import { startInstalledProxy } from "./helpers/installed-proxy.js";

/*
 * README's install-from-repository route, as a reader follows it: scripts/install-from-repo.sh
 * into empty folders with plain npm, then the SDK from a script there and the global `dheera_ai`
 * (npm's global prefix pointed at a scratch folder, as `npm install -g` would use /usr/local).
 */

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const script = path.join(root, "scripts/install-from-repo.sh");

describe("bash scripts/install-from-repo.sh", () => {
  let dir: string;
  const azure = createAzureEmulator();
  let emulator: Awaited<ReturnType<typeof azure.listen>>;
  let proxy: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "dheera-from-repo-"));
    emulator = await azure.listen();
  });

  afterAll(async () => {
    proxy?.kill("SIGKILL");
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sdk <folder>: installs the SDK and its providers into an empty folder, where a script calls Azure", async () => {
    const app = path.join(dir, "my-app");
    const { stdout } = await run("bash", [script, "sdk", app]);
    expect(stdout).toContain(`Installed into ${app}`);
    await writeFile(
      path.join(app, "call.mjs"),
      [
        'import { responses } from "@dheera/sdk";',
        "const r = await responses({",
        '  model: "azure/o1-pro", input: "Tell me a story about a unicorn.",',
        "  api_key: process.env.AZURE_API_KEY, api_base: process.env.AZURE_API_BASE, api_version: \"2025-03-01-preview\",",
        "});",
        "console.log(r.status, r.output_text.length > 0);",
      ].join("\n"),
    );
    const called = await run(process.execPath, ["call.mjs"], { cwd: app, env: { ...process.env, AZURE_API_KEY: "test-azure-key", AZURE_API_BASE: emulator.url } });
    expect(called.stdout.trim()).toBe("completed true");
  });

  it("proxy: installs dheera_ai as a global command that serves a config.yaml", async () => {
    const prefix = path.join(dir, "global");
    const env = { ...process.env, NPM_CONFIG_PREFIX: prefix };
    const { stdout } = await run("bash", [script, "proxy"], { env });
    expect(stdout).toContain("globally: run dheera_ai --config config.yaml");

    const work = path.join(dir, "gateway");
    await run("mkdir", ["-p", work]);
    await writeFile(
      path.join(work, "config.yaml"),
      [
        "model_list:",
        "  - model_name: o1-pro",
        "    dheera_ai_params:",
        "      model: azure/o1-pro",
        "      api_key: test-azure-key",
        `      api_base: ${emulator.url}`,
        "      api_version: 2025-03-01-preview",
        "general_settings:",
        "  master_key: sk-from-repo",
        "",
      ].join("\n"),
    );
    // The command as a user runs it: from PATH, by name.
    const started = await startInstalledProxy("dheera_ai", work, { ...env, PATH: `${path.join(prefix, "bin")}${path.delimiter}${process.env.PATH}` });
    proxy = started.child;
    const url = started.url;
    const res = await fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { authorization: "Bearer sk-from-repo", "content-type": "application/json" },
      body: JSON.stringify({ model: "o1-pro", input: "Tell me a story about a unicorn." }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("completed");
  });
});
