import assert from "node:assert/strict";
import type { Transport } from "../../http/transport.js";
import type { Deployment } from "../../provider/deployment.js";
import { parseModelReference } from "../../provider/model-reference.js";
import type { ProviderPlugin } from "../../provider/provider-plugin.js";
import { recordingTransport, type RecordingTransport, type SyntheticAnswer } from "./recording-transport.js";

/** What a provider author gives the conformance suite. */
export interface ProviderConformanceOptions {
  /** The plugin under test (what the package default-exports). */
  plugin: ProviderPlugin;
  /**
   * Starts the upstream the provider talks to (its emulator, on loopback) and returns the
   * settings that point the provider at it, plus how to stop it. Called once per suite; every
   * check resolves its deployments with these settings.
   */
  start(): Promise<{ settings: Record<string, unknown>; close(): Promise<void> }>;
  /**
   * Model references to test: one whose deployment serves the Responses API, one that serves
   * Chat Completions (the same reference when it serves both); either may be left out.
   */
  models: { responses?: string; chat?: string };
  /** The Responses deployment stores responses: retrieve, input items and delete are checked. Default false. */
  stored?: boolean;
  /**
   * The Responses deployment runs `background: true` responses that `cancel` stops (the upstream
   * keeps one queued long enough to cancel it). Default false.
   */
  cancel?: boolean;
  /** The Responses deployment replays a stored response's events (`retrieveStream`, `starting_after`). Default false. */
  replay?: boolean;
  /**
   * The error body the upstream sends for a status, in the upstream's own dialect, to check error
   * mapping. `secrets` are the settings' secrets: a realistic 401 body echoes the key it refused,
   * and the suite checks that none of them reaches the error. Default: OpenAI's
   * `{"error":{"message","type","param","code"}}`, whose 401 message quotes the key.
   */
  errorBody?: (status: number, secrets: readonly string[]) => string | Omit<SyntheticAnswer, "status">;
  /**
   * Values that must never appear in an error (message, headers, upstream error). Default: the
   * string settings whose names say they are secret (`api_key`, `token`, `client_secret`, ...).
   */
  secrets?: readonly string[];
  /** Prices: a model reference the provider prices, and one it does not (its price must be `null`, never 0). */
  prices?: { priced?: string; unpriced?: string };
  /**
   * Unknown request parameters reach the upstream untouched (checked with a probe parameter,
   * anywhere in the upstream body, so an upstream that nests extra parameters passes). A provider
   * whose upstream cannot take them opts out by saying why: `{ skip: "..." }`.
   */
  passThrough?: true | { skip: string };
  /**
   * The transport under the suite's recording one. Default: core's `undiciTransport()` (what the
   * SDK and the proxy use), closed when the suite ends.
   */
  transport?: Transport;
}

export interface ConformanceContext {
  /** Every upstream request the provider made; the next answer can be replaced. */
  recorder: RecordingTransport;
  settings: Record<string, unknown>;
  /** The values no error may show. */
  secrets: readonly string[];
  /** Resolves a model reference with the suite's settings and recording transport. */
  deployment(reference: string, settings?: Record<string, unknown>): Deployment;
}

/** A check that learns only when it runs that it does not apply (a deployment without `createRaw`). */
export interface Skipped {
  skipped: string;
}

export interface ConformanceCheck {
  name: string;
  /** Why the check does not apply to this provider, when that is known from the options. */
  skip?: string;
  run(ctx: ConformanceContext): Promise<void | Skipped>;
}

/** The context the checks share; `transport` defaults to `options.transport`. */
export function createConformanceContext(options: ProviderConformanceOptions, settings: Record<string, unknown>, transport = options.transport): ConformanceContext {
  assert.ok(transport, "createConformanceContext needs a transport (options.transport or its third argument)");
  const recorder = recordingTransport(transport);
  return {
    recorder,
    settings,
    secrets: options.secrets ?? secretsOf(settings),
    deployment(reference, override) {
      const parsed = parseModelReference(reference);
      assert.ok(parsed, `"${reference}" is not a <provider>/<model> reference`);
      assert.equal(parsed.provider, options.plugin.id, `"${reference}" does not belong to provider "${options.plugin.id}"`);
      const valid = options.plugin.settingsSchema.parse(override ?? settings);
      return options.plugin.resolve(parsed, valid as never, { transport: recorder.transport, env: {} });
    },
  };
}

/** String settings whose names say they are secret. */
function secretsOf(settings: Record<string, unknown>): string[] {
  return Object.entries(settings)
    .filter(([k, v]) => /key|token|secret|password/i.test(k) && typeof v === "string" && v.length >= 6)
    .map(([, v]) => v as string);
}
