import { describe, expect, it } from "vitest";
import { MarkdownError, parseCodeBlocks } from "../src/markdown-blocks.js";

const md = (lines: string[]) => lines.join("\n");

describe("parseCodeBlocks", () => {
  it("keys a block by the headings above it, below the page title", () => {
    const blocks = parseCodeBlocks(
      "docs/x.md",
      md(["# Title", "```bash", "top", "```", "## Create", "### SDK", "#### Non-streaming", "```ts", "a()", "```", "### Proxy", "#### Non-streaming", "```ts", "b()", "```"]),
    );
    expect(blocks.map((b) => b.key)).toEqual(["Title", "Create > SDK > Non-streaming", "Create > Proxy > Non-streaming"]);
    expect(blocks.map((b) => b.line)).toEqual([2, 8, 13]);
  });

  it("numbers the second and later blocks under the same headings", () => {
    const blocks = parseCodeBlocks("a.md", md(["## Proxy", "```yaml", "x: 1", "```", "```bash", "run", "```", "```bash", "call", "```"]));
    expect(blocks.map((b) => b.key)).toEqual(["Proxy", "Proxy (2)", "Proxy (3)"]);
  });

  it("reduces inline markup in headings to text", () => {
    const [block] = parseCodeBlocks("a.md", md(["## Calling via `/chat/completions` and **more** [here](x.md)", "```ts", "x", "```"]));
    expect(block!.key).toBe("Calling via /chat/completions and more here");
  });

  it("reads the language, the title attribute and the code exactly", () => {
    const [block] = parseCodeBlocks("a.md", md(["```ts title=\"src/index.ts\"", "const a = 1;", "", "  indented();", "```"]));
    expect(block).toMatchObject({ lang: "ts", title: "src/index.ts", code: "const a = 1;\n\n  indented();\n" });
  });

  it("removes a list item's indentation from an indented fence", () => {
    const [block] = parseCodeBlocks("a.md", md(["1. Setup", "   ```yaml", "   model_list:", "     - x", "   ```"]));
    expect(block!.code).toBe("model_list:\n  - x\n");
  });

  it("does not take `# comments` inside a block for headings", () => {
    const blocks = parseCodeBlocks("a.md", md(["## Start", "```bash", "dheera_ai", "# RUNNING on http://0.0.0.0:4000", "```", "```bash", "curl", "```"]));
    expect(blocks.map((b) => b.key)).toEqual(["Start", "Start (2)"]);
  });

  it("closes a fence only with the same character, at least as long", () => {
    const blocks = parseCodeBlocks("a.md", md(["````md", "```ts", "inner", "```", "````", "~~~", "tilde", "~~~"]));
    expect(blocks.map((b) => b.code)).toEqual(["```ts\ninner\n```\n", "tilde\n"]);
    expect(blocks[1]!.lang).toBe("");
  });

  it("reads a not-runnable marker on the nearest non-blank line above", () => {
    const blocks = parseCodeBlocks(
      "a.md",
      md(["<!-- not-runnable: installs from npm -->", "", "```bash", "npm i x", "```", "<!-- another comment -->", "```bash", "ls", "```"]),
    );
    expect(blocks.map((b) => b.notRunnable)).toEqual(["installs from npm", undefined]);
  });

  it("rejects a marker without a reason, a malformed marker and an unclosed fence", () => {
    expect(() => parseCodeBlocks("a.md", md(["<!-- not-runnable: -->", "```bash", "x", "```"]))).toThrow(MarkdownError);
    expect(() => parseCodeBlocks("a.md", md(["<!-- not runnable because -->", "```bash", "x", "```"]))).toThrow(/malformed marker/);
    expect(() => parseCodeBlocks("a.md", md(["```bash", "x"]))).toThrow(/a.md:1: code block is never closed/);
  });
});
