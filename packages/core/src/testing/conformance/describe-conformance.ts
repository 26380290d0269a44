import { afterAll, beforeAll, describe, it } from "vitest";
import { conformanceChecks, createConformanceContext, type ConformanceContext, type ProviderConformanceOptions } from "./conformance-checks.js";

/**
 * The provider conformance suite, as a vitest `describe` block a provider package calls in its
 * own tests:
 *
 * ```ts
 * describeProviderConformance({
 *   plugin: myProvider,
 *   transport: undiciTransport(),
 *   start: async () => {
 *     const server = await startMyEmulator();
 *     return { settings: { api_key: "test-key", api_base: server.url }, close: server.close };
 *   },
 *   models: { responses: "acme/model-a", chat: "acme/model-a" },
 *   prices: { priced: "acme/model-a", unpriced: "acme/unknown-model" },
 * });
 * ```
 */
export function describeProviderConformance(options: ProviderConformanceOptions & { name?: string }): void {
  describe(options.name ?? `${options.plugin.id}: provider conformance`, () => {
    let ctx: ConformanceContext | undefined;
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const started = await options.start();
      close = started.close;
      ctx = createConformanceContext(options, started.settings);
    });
    afterAll(async () => {
      await close?.();
    });
    for (const check of conformanceChecks(options)) {
      if (check.skip) it.skip(`${check.name} (${check.skip})`, () => {});
      else it(check.name, () => check.run(ctx!));
    }
  });
}

/** Runs every check outside vitest's collection and returns the failures (empty: conformant). */
export async function runConformanceChecks(options: ProviderConformanceOptions): Promise<{ name: string; error: unknown }[]> {
  const started = await options.start();
  const failures: { name: string; error: unknown }[] = [];
  try {
    const ctx = createConformanceContext(options, started.settings);
    for (const check of conformanceChecks(options)) {
      if (check.skip) continue;
      try {
        await check.run(ctx);
      } catch (error) {
        failures.push({ name: check.name, error });
      }
    }
  } finally {
    await started.close();
  }
  return failures;
}
