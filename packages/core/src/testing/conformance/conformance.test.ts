import { afterAll, describe, expect, it } from "vitest";
import { mapOpenAIStyleError } from "../../kit/openai-style-error.js";
import { UpstreamError } from "../../errors/dheera-error.js";
import { undiciTransport } from "../../http/undici-transport.js";
import type { Deployment, ResponsesOperations } from "../../provider/deployment.js";
import type { ProviderPlugin } from "../../provider/provider-plugin.js";
import { WireStream } from "../../sse/wire-stream.js";
import { responsesSseFraming } from "../../sse/wire-framing.js";
import type { ResponseStreamEvent } from "../../wire/responses-stream-events.js";
import { PROBE_PARAMETER } from "./conformance-checks.js";
import type { ProviderConformanceOptions } from "./conformance-options.js";
import { describeProviderConformance, runConformanceChecks } from "./describe-conformance.js";
import { fixtureProvider } from "./__fixtures__/fixture-provider.js";
import { FIXTURE_KEY, startFixtureUpstream } from "./__fixtures__/fixture-upstream.js";

/* The suite on a correct provider built with the kit, and on providers each wrong in one way: it must fail those. */

const start = async () => {
  const server = await startFixtureUpstream();
  return { settings: { api_key: FIXTURE_KEY, api_base: `${server.url}/v1` }, close: server.close };
};

const options = (plugin: ProviderPlugin): ProviderConformanceOptions => ({
  plugin,
  start,
  models: { responses: "acme/model-a", chat: "acme/model-a" },
  stored: true,
  cancel: true,
  prices: { priced: "acme/model-a", unpriced: "acme/model-b" },
});

describeProviderConformance({ name: "a provider built with the kit: conformance", ...options(fixtureProvider()) });

/** A plugin whose deployments `change` rewrites. */
function bent(change: (d: Deployment) => Deployment, base = fixtureProvider()): ProviderPlugin {
  return { ...base, resolve: (reference, settings, context) => change(base.resolve(reference, settings as never, context)) } as ProviderPlugin;
}

const transport = undiciTransport();
afterAll(() => transport.close());
const failuresOf = async (plugin: ProviderPlugin) => (await runConformanceChecks({ ...options(plugin), transport })).map((f) => f.name);

describe("the conformance suite fails a provider that", () => {
  it("drops unknown parameters", async () => {
    const strip = <T extends object>(r: T): T => Object.fromEntries(Object.entries(r).filter(([k]) => k !== PROBE_PARAMETER)) as T;
    const plugin = bent((d) => ({
      ...d,
      responses: { ...d.responses!, create: (r, o) => d.responses!.create(strip(r), o), stream: (r, o) => d.responses!.stream(strip(r), o) },
    }));
    expect(await failuresOf(plugin)).toEqual(["unknown request parameters reach the upstream untouched, in create and stream calls"]);
  });

  it("maps a 429 to a plain upstream error", async () => {
    const plugin = fixtureProvider({
      mapError: (input) => {
        const err = mapOpenAIStyleError(input, { provider: "acme", displayName: "Acme" });
        return input.status === 429 ? new UpstreamError(err.message, { status: 400, provider: "acme" }) : err;
      },
    });
    expect(await failuresOf(plugin)).toEqual(["maps an upstream 429 to RateLimitError (retryable: true)", "maps an upstream 429 (on a stream request) to RateLimitError (retryable: true)"]);
  });

  it("lets the refused key through into its errors", async () => {
    const plugin = fixtureProvider({ secrets: [] });
    expect(await failuresOf(plugin)).toEqual([
      "maps an upstream 401 to AuthenticationError (retryable: false), the refused key not shown",
      "maps an upstream 401 (on a stream request) to AuthenticationError (retryable: false), the refused key not shown",
    ]);
  });

  it("does not pass the caller's signal upstream", async () => {
    const plugin = bent((d) => {
      const r = d.responses!;
      const unsignalled: ResponsesOperations = { ...r, create: (req) => r.create(req), stream: (req) => r.stream(req).then((s) => ({ ...s, stream: WireStream.fromEvents(s.stream, responsesSseFraming, () => {}) })) };
      return { ...d, responses: unsignalled };
    });
    expect(await failuresOf(plugin)).toEqual([
      "aborting the caller's signal mid-stream cancels the upstream request",
      "stream.abort() mid-stream cancels the upstream request, and the iteration ends (done or an abort error)",
      "a call whose signal is already aborted rejects with an abort error, without hanging",
    ]);
  });

  it("sends a second terminal event", async () => {
    const plugin = bent((d) => {
      const r = d.responses!;
      const doubled = async function* (events: AsyncIterable<ResponseStreamEvent>) {
        for await (const event of events) {
          yield event;
          if (event.type === "response.completed") yield event;
        }
      };
      return { ...d, responses: { ...r, stream: (req, o) => r.stream(req, o).then((s) => ({ ...s, stream: WireStream.fromEvents(doubled(s.stream), responsesSseFraming, (why) => s.stream.abort(why)) })) } };
    });
    expect(await failuresOf(plugin)).toEqual([
      "responses.stream events: response.created first, sequence numbers in order, one terminal event last, usage known",
      "responses.stream as SSE (what the proxy relays): event lines name their data's type, same order, usage known",
    ]);
  });

  it("prices an unpriced model at 0", async () => {
    const plugin = bent((d) => ({ ...d, price: d.price ?? { input_cost_per_token: 0, output_cost_per_token: 0 } }));
    expect(await failuresOf(plugin)).toEqual(["prices: a priced model has a valid price entry, an unpriced one null (never 0)"]);
  });
});
