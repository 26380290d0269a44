import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Packing and an npm install from the registry take a while on a 2-core machine.
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
