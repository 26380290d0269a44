import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/*
 * The built entries' imports, followed through their chunks: `@dheera/core` and `@dheera/core/kit`
 * run in production, where vitest and msw are not installed (vitest is an optional peer, msw a
 * dev dependency), so only `@dheera/core/testing` may import them.
 */

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const IMPORT = /(?:^|[;\n}])\s*(?:import|export)\b[^"']*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g;

/** Every package an entry file loads, directly or through the chunks it imports. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier));
      else packages.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
    }
  };
  visit(path.join(dist, entry));
  return packages;
}

describe("the built entries of @dheera/core", () => {
  it.each(["index.js", "kit/index.js"])("%s loads neither vitest nor msw", (entry) => {
    const loaded = packagesLoadedBy(entry);
    expect(loaded).toContain("zod");
    expect([...loaded].filter((p) => p === "vitest" || p === "msw")).toEqual([]);
  });

  it("testing/index.js is the entry that loads vitest", () => {
    expect(packagesLoadedBy("testing/index.js")).toContain("vitest");
  });
});
