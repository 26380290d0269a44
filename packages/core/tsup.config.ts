import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "kit/index": "src/kit/index.ts", "testing/index": "src/testing/index.ts" },
  // vitest is an optional peer: only the testing entry uses it, inside the author's own test run.
  external: ["vitest"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
