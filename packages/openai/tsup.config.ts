import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // The emulator is built on @dheera/azure/testing's engine, whose msw peer is optional.
  external: ["msw", "msw/node"],
});
