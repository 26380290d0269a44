import { defineConfig } from "tsup";

export default defineConfig({
  // spend-worker is loaded with new URL("./spend-worker.js", import.meta.url): it must sit next to the other bundles.
  entry: { index: "src/index.ts", cli: "src/cli.ts", "spend-worker": "src/spend/spend-worker.ts" },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
});
