/**
 * Every fenced code block of README.md and docs/**\/*.md, run as a reader would run it and
 * checked the way the reader would check it. A block is either run (it has an expectation in
 * expectations/<page>.ts) or marked `<!-- not-runnable: reason -->` in the markdown.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stopAll } from "../src/child-processes.js";
import { defaultChecks } from "../src/default-checks.js";
import { kindsFor } from "../src/expectation.js";
import { APP_DIR, PageSession, REPO_ROOT } from "../src/page-session.js";
import { loadPages } from "../src/pages.js";
import { typecheckSnippets } from "../src/typecheck-snippets.js";

const pages = await loadPages();
const counts = { run: 0, notRunnable: 0 };
const sessions: PageSession[] = [];

afterAll(async () => {
  await stopAll();
  console.log(`${counts.run} snippets run, ${counts.notRunnable} not runnable`);
});

for (const page of pages) {
  describe(page.file, () => {
    const session = new PageSession(page.file);
    sessions.push(session);
    beforeAll(async () => {
      counts.notRunnable += page.blocks.filter((b) => b.notRunnable !== undefined).length;
      await session.open();
    }, 30_000);
    afterAll(() => session.close(), 30_000);

    for (const block of page.blocks) {
      const where = `${page.file}:${block.line}`;
      if (block.notRunnable !== undefined) continue;
      const expectation = page.expectations[block.key];
      it(`${block.key} [${block.lang || "no language"} at line ${block.line}]`, { timeout: (expectation?.timeoutMs ?? 30_000) + 15_000 }, async () => {
        if (!expectation) {
          throw new Error(
            `${where}: this ${block.lang || "unlabelled"} block has no expectation. Add "${block.key}" to ` +
              `${path.relative(REPO_ROOT, page.expectationsFile)}, or mark it in the markdown with <!-- not-runnable: reason -->.`,
          );
        }
        expect(kindsFor(block.lang), `${where}: a ${block.lang || "unlabelled"} block cannot be run as "${expectation.kind}"`).toContain(expectation.kind);
        counts.run++;
        const result = await session.run(block, expectation);
        const context = session.context(block);
        await defaultChecks(expectation, result, context, session.masterKey);
        await expectation.check?.(result, context);
      });
    }

    if (page.pageCheck) {
      it("is complete", async () => {
        await page.pageCheck!(await readFile(path.join(REPO_ROOT, page.file), "utf8"));
      });
    }

    it("has an expectation only for blocks that exist and are runnable", () => {
      const runnable = new Set(page.blocks.filter((b) => b.notRunnable === undefined).map((b) => b.key));
      const marked = new Set(page.blocks.filter((b) => b.notRunnable !== undefined).map((b) => b.key));
      const stale = Object.keys(page.expectations).filter((key) => !runnable.has(key));
      expect(
        stale.map((key) => (marked.has(key) ? `${key} (marked not-runnable)` : `${key} (no such block)`)),
        `expectations in ${path.relative(REPO_ROOT, page.expectationsFile)} that match no runnable block of ${page.file}`,
      ).toEqual([]);
    });
  });
}

describe("TypeScript blocks", () => {
  it("compile with tsc --strict, as in a reader's project", { timeout: 150_000 }, async () => {
    const files = sessions.flatMap((s) => s.typescriptFiles);
    if (files.length === 0) return;
    const outcome = await typecheckSnippets(path.join(APP_DIR, ".tmp", "pages"), files);
    // tsc names the snippet file (pages/<page>/snippet-L<line>.ts): the line of the block in the page.
    expect(outcome.stdout + outcome.stderr, "tsc errors").toBe("");
    expect(outcome.exitCode).toBe(0);
  });
});
