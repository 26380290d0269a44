import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureEmulator } from "@dheera/azure/testing";

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const tsx = path.join(here, "../node_modules/.bin/tsx");

describe("packed tarballs installed with plain npm", () => {
  let dir: string;
  const azure = createAzureEmulator();
  let emulator: Awaited<ReturnType<typeof azure.listen>>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "dheera-install-"));
    const packs = path.join(dir, "packs");
    for (const pkg of ["core", "azure", "sdk"]) {
      await run("pnpm", ["pack", "--pack-destination", packs], { cwd: path.join(root, "packages", pkg) });
    }
    const tarballs = (await readdir(packs)).map((f) => path.join(packs, f));
    const project = path.join(dir, "project");
    await run("mkdir", ["-p", project]);
    await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], { cwd: project });
    await copyFile(path.join(here, "../fixtures/seed-snippets.ts"), path.join(project, "seed-snippets.ts"));
    emulator = await azure.listen();
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("runs the seed's SDK snippets against the loopback Azure emulator", async () => {
    const project = path.join(dir, "project");
    const { stdout } = await run(tsx, ["seed-snippets.ts"], {
      cwd: project,
      env: { ...process.env, EMULATOR_API_BASE: emulator.url, AZURE_RESPONSES_OPENAI_API_KEY: "test-azure-key", AZURE_API_KEY: "", AZURE_API_BASE: "" },
    });
    const lines = Object.fromEntries(
      stdout.trim().split("\n").map((l) => JSON.parse(l) as { snippet: string }).map((l) => [l.snippet, l]),
    ) as Record<string, Record<string, unknown>>;

    expect(lines.responses).toMatchObject({ object: "response", status: "completed" });
    expect(lines.responses!.text).toMatch(/unicorn/i);
    expect(lines["responses-stream"]).toMatchObject({ first: "response.created", last: "response.completed" });
    expect(lines["responses-stream"]!.text).toBe(lines.responses!.text);
    expect(lines.codex).toMatchObject({ status: "completed" });
    expect(lines["codex-stream"]!.events as number).toBeGreaterThan(5);
    expect(lines["completion-bridge"]).toMatchObject({ object: "chat.completion", finish: "stop" });
    expect(lines["completion-bridge"]!.content).toMatch(/Hello world/);
    // api_version "preview" took the v1 route, the dated version the classic one.
    const paths = azure.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain("POST /openai/v1/responses");
    expect(paths).toContain("POST /openai/responses");
    expect(azure.requests.every((r) => r.authOk)).toBe(true);
  });

  it("fails with the install hint when the provider package is missing", async () => {
    const project = path.join(dir, "project");
    await writeFile(
      path.join(project, "missing.ts"),
      `import { responses } from "@dheera/sdk";\ntry { await responses({ model: "nosuch/x", input: "hi" }); } catch (e) { console.log((e as Error).message); }\n`,
    );
    const { stdout } = await run(tsx, ["missing.ts"], { cwd: project });
    expect(stdout.trim()).toBe('Provider "nosuch" is not installed: none of @dheera/nosuch, dheera-provider-nosuch was found. Run: npm install @dheera/nosuch (or npm install dheera-provider-nosuch for a community provider), or name the package that provides "nosuch" under providers in config.yaml (providerPackages in the SDK).');
  });
});
