import { z } from "zod";
import { createOpenAIStyleClient, openAIStyleChatOperations, openAIStyleResponsesOperations, type OpenAIStyleClientOptions } from "../../../kit/index.js";
import { defineProvider, type ProviderPlugin } from "../../../provider/provider-plugin.js";
import type { Deployment } from "../../../provider/deployment.js";

/*
 * A provider for the fixture upstream, built on the kit the way a third party would build one:
 * `acme/<model>`, settings `api_key` and `api_base`. `fixtureProvider(overrides)` bends the client
 * options, so a test can make a provider that is wrong in one way.
 */

const settingsSchema = z.strictObject({ api_key: z.string(), api_base: z.string() });

const PRICES: Record<string, { input_cost_per_token: number; output_cost_per_token: number }> = {
  "model-a": { input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 },
};

export function fixtureProvider(overrides: Partial<OpenAIStyleClientOptions> = {}): ProviderPlugin<typeof settingsSchema> {
  return defineProvider({
    specificationVersion: "v1",
    id: "acme",
    settingsSchema,
    settingKeys: ["api_key", "api_base"],
    resolve(reference, settings, context): Deployment {
      const base = settings.api_base.replace(/\/$/, "");
      const client = createOpenAIStyleClient({
        provider: "acme",
        displayName: "Acme",
        transport: context.transport,
        authHeaders: () => ({ authorization: `Bearer ${settings.api_key}` }),
        staticAuth: true,
        secrets: [settings.api_key],
        ...overrides,
      });
      const query = (q?: Record<string, string | string[] | undefined>) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(q ?? {})) for (const item of [v ?? []].flat()) params.append(k, item);
        const s = params.toString();
        return s ? `?${s}` : "";
      };
      const byId = (id: string) => `${base}/responses/${encodeURIComponent(id)}`;
      return {
        provider: "acme",
        name: reference.model,
        apiBase: base,
        native: { responses: true, chat: true },
        responses: openAIStyleResponsesOperations(client, {
          model: reference.model,
          urls: {
            responses: `${base}/responses`,
            responseById: (id, q) => `${byId(id)}${query(q)}`,
            cancel: (id) => `${byId(id)}/cancel`,
            inputItems: (id, q) => `${byId(id)}/input_items${query(q)}`,
          },
        }),
        chat: openAIStyleChatOperations(client, { url: `${base}/chat/completions`, model: reference.model }),
        price: PRICES[reference.model] ?? null,
      };
    },
  });
}
