import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import { expectUpstream, jsonBody } from "../../../src/checks.js";
import { defineExpectations, type CheckContext } from "../../../src/expectation.js";
import { REPO_ROOT } from "../../../src/page-session.js";

// The provider is built in `dheera-provider-example/`; the user's project is `my-app/`.
const PROVIDER = "dheera-provider-example";
// The same package lives in the repository, where a test packs and installs it: the page shows its files.
const EXAMPLE = path.join(REPO_ROOT, "examples/dheera-provider-example");
const APP = "my-app";
const V1 = "my-resource.openai.azure.com";

/** What `npm install dheera-provider-example` does for my-app, without the registry: link the built package. */
async function installExample(context: CheckContext): Promise<void> {
  const target = path.join(context.workDir, APP, "node_modules", "dheera-provider-example");
  if (existsSync(target)) return;
  await mkdir(path.dirname(target), { recursive: true });
  await rm(target, { force: true, recursive: true });
  await symlink(path.join(context.workDir, PROVIDER), target, "dir");
}

/** A file block of the page is the example package's file, word for word. */
async function sameAsExample(context: CheckContext, file: string): Promise<void> {
  const written = await readFile(path.join(context.workDir, PROVIDER, file), "utf8");
  expect(written.trim(), `${file} differs from examples/dheera-provider-example/${file}`).toBe((await readFile(path.join(EXAMPLE, file), "utf8")).trim());
}

export default defineExpectations({
  "From an empty folder (2)": {
    kind: "file",
    path: `${PROVIDER}/package.json`,
    async check(_result, context) {
      const pkg = JSON.parse(await readFile(path.join(context.workDir, PROVIDER, "package.json"), "utf8")) as Record<string, unknown>;
      expect(pkg).toMatchObject({ name: "dheera-provider-example", type: "module" });
    },
  },
  "From an empty folder (3)": {
    kind: "file",
    path: `${PROVIDER}/src/index.ts`,
    check: (_result, context) => sameAsExample(context, "src/index.ts"),
  },
  "From an empty folder (5)": {
    kind: "command",
    cwd: PROVIDER,
    timeoutMs: 90_000,
    check(_result, context) {
      for (const file of ["dist/index.js", "dist/index.d.ts"]) expect(existsSync(path.join(context.workDir, PROVIDER, file)), file).toBe(true);
    },
  },
  "Test it with the conformance suite": {
    kind: "file",
    path: `${PROVIDER}/test/conformance.test.ts`,
    check: (_result, context) => sameAsExample(context, "test/conformance.test.ts"),
  },
  "Test it with the conformance suite (2)": {
    kind: "command",
    cwd: PROVIDER,
    timeoutMs: 120_000,
    check(result) {
      expect(result.stdout).toMatch(/Tests\s+22 passed \| 4 skipped/);
    },
  },
  "Try it before publishing": {
    kind: "script",
    cwd: PROVIDER,
    check(result) {
      const [answer, cost, streamed] = result.stdout.trim().split("\n");
      expect(answer).toMatch(/hello/i);
      expect(Number(/^cost \(USD\): (\S+)$/.exec(cost ?? "")?.[1])).toBeGreaterThan(0);
      expect(streamed).toMatch(/hello/i);
      expectUpstream(result, [
        { method: "POST", path: "/openai/v1/responses", host: V1, body: { model: "gpt-4o", input: "Say hello.", stream: false }, status: 200 },
        { method: "POST", path: "/openai/v1/chat/completions", host: V1, body: { model: "gpt-4o", stream: true }, status: 200 },
      ]);
      expect(result.upstream.every((r) => r.authOk)).toBe(true);
    },
  },
  "Use it (2)": {
    kind: "script",
    cwd: APP,
    before: installExample,
    check(result) {
      expect(result.stdout).toMatch(/hello/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/responses", host: V1, body: { model: "gpt-4o" }, status: 200 }]);
    },
  },
  "Use it (3)": { kind: "proxy-config", cwd: APP, before: installExample },
  "Use it (4)": { kind: "proxy-start", cwd: APP },
  "Use it (5)": {
    kind: "command",
    cwd: APP,
    check(result) {
      expect(result.statuses).toEqual([200]);
      const completion = jsonBody(result.stdout);
      expect(completion).toMatchObject({ object: "chat.completion", choices: [{ message: { role: "assistant" }, finish_reason: "stop" }] });
      expect(JSON.stringify(completion.choices)).toMatch(/hello/i);
      expectUpstream(result, [{ method: "POST", path: "/openai/v1/chat/completions", host: V1, body: { model: "gpt-4o" }, status: 200 }]);
    },
  },
});
