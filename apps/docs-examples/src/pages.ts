/** The pages whose code blocks are run: README.md and every `docs/**\/*.md`, and their expectations. */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { PageCheck, PageExpectations } from "./expectation.js";
import { parseCodeBlocks, type CodeBlock } from "./markdown-blocks.js";
import { APP_DIR, REPO_ROOT } from "./page-session.js";

export interface Page {
  /** Repository-relative, forward slashes. */
  file: string;
  blocks: CodeBlock[];
  expectations: PageExpectations;
  /** Checks of the page as a whole (e.g. it names every export), from the module's `pageCheck`. */
  pageCheck: PageCheck | undefined;
  /** Where the expectations live (whether or not the file exists). */
  expectationsFile: string;
}

export async function findPageFiles(root = REPO_ROOT): Promise<string[]> {
  const files = ["README.md"];
  const docs = path.join(root, "docs");
  if (existsSync(docs)) {
    const entries = await readdir(docs, { recursive: true });
    for (const entry of entries) if (entry.endsWith(".md")) files.push(`docs/${entry.split(path.sep).join("/")}`);
  }
  return files.sort((a, b) => (a === "README.md" ? -1 : b === "README.md" ? 1 : a.localeCompare(b)));
}

/** `docs/sdk.md` -> `apps/docs-examples/expectations/docs/sdk.ts`. */
export function expectationsFileFor(file: string): string {
  return path.join(APP_DIR, "expectations", file.replace(/\.md$/, ".ts"));
}

export async function loadPages(root = REPO_ROOT): Promise<Page[]> {
  const pages: Page[] = [];
  for (const file of await findPageFiles(root)) {
    const blocks = parseCodeBlocks(file, await readFile(path.join(root, file), "utf8"));
    const expectationsFile = expectationsFileFor(file);
    const module = existsSync(expectationsFile)
      ? ((await import(pathToFileURL(expectationsFile).href)) as { default: PageExpectations; pageCheck?: PageCheck })
      : { default: {} };
    pages.push({ file, blocks, expectations: module.default, pageCheck: module.pageCheck, expectationsFile });
  }
  return pages;
}
