import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "kit/index": "src/kit/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
});
