import { afterAll, beforeAll, describe, it } from "vitest";
import { undiciTransport } from "../../http/undici-transport.js";
import type { Transport } from "../../http/transport.js";
import { conformanceChecks } from "./conformance-checks.js";
import { createConformanceContext, type ConformanceContext, type ProviderConformanceOptions } from "./conformance-options.js";

/**
 * The provider conformance suite, as a vitest `describe` block a provider package calls in its
 * own tests. The suite hands the provider its own transport (core's undici transport underneath)
 * to see what goes upstream, answer a call itself (error mapping) and watch aborts, so it needs
 * nothing from the upstream but ordinary answers:
 *
 * ```ts
 * import { describeProviderConformance } from "@dheera/core/testing";
 *
 * describeProviderConformance({
 *   plugin: acmeProvider,
 *   start: async () => {
 *     const server = await startAcmeEmulator(); // on 127.0.0.1
 *     return { settings: { api_key: "test-key", api_base: server.url }, close: server.close };
 *   },
 *   models: { responses: "acme/model-a", chat: "acme/model-a" },
 *   stored: true,
 *   prices: { priced: "acme/model-a", unpriced: "acme/unknown-model" },
 * });
 * ```
 *
 * Checks that do not apply (no Chat model, `stored` not set, no `createRaw`) are reported as
 * skipped, with the reason.
 */
export function describeProviderConformance(options: ProviderConformanceOptions & { name?: string }): void {
  describe(options.name ?? `${options.plugin.id}: provider conformance`, () => {
    let ctx: ConformanceContext | undefined;
    let stop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const { settings, close, transport } = await startSuite(options);
      stop = close;
      ctx = createConformanceContext(options, settings, transport);
    });
    afterAll(async () => {
      await stop?.();
    });
    for (const check of conformanceChecks(options)) {
      if (check.skip) {
        it.skip(`${check.name} (${check.skip})`, () => {});
        continue;
      }
      it(check.name, async (test) => {
        const outcome = await check.run(ctx!);
        if (outcome) test.skip(outcome.skipped);
      });
    }
  });
}

/** A check that failed, with its assertion error. */
export interface ConformanceFailure {
  name: string;
  error: unknown;
}

/**
 * Runs every check outside vitest's collection (a script, another test runner, or a test of the
 * suite itself) and returns the failures: empty when the provider conforms.
 */
export async function runConformanceChecks(options: ProviderConformanceOptions): Promise<ConformanceFailure[]> {
  const { settings, close, transport } = await startSuite(options);
  const failures: ConformanceFailure[] = [];
  try {
    const ctx = createConformanceContext(options, settings, transport);
    for (const check of conformanceChecks(options)) {
      if (check.skip) continue;
      try {
        await check.run(ctx);
      } catch (error) {
        failures.push({ name: check.name, error });
      }
    }
  } finally {
    await close();
  }
  return failures;
}

/** Starts the author's upstream; the default transport, when the suite made it, closes with it. */
async function startSuite(options: ProviderConformanceOptions): Promise<{ settings: Record<string, unknown>; transport: Transport; close(): Promise<void> }> {
  const own = options.transport ? undefined : undiciTransport();
  const started = await options.start();
  return {
    settings: started.settings,
    transport: options.transport ?? own!,
    async close() {
      try {
        await started.close();
      } finally {
        await own?.close();
      }
    },
  };
}
