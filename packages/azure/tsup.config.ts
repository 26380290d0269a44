import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "bridge/index": "src/bridge/index.ts", "testing/index": "src/testing/index.ts", "testing/emulator-cli": "src/testing/emulator-cli.ts" },
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // msw is an optional peer: only the testing entry needs it, and never at run time in production.
  external: ["msw", "msw/node", "@azure/identity"],
});
