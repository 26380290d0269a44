import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Every test is bounded well below this; a hang fails fast.
    testTimeout: 15_000,
  },
});
