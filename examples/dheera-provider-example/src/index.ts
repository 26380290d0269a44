import { ConfigurationError, defineProvider, type Deployment } from "@dheera/core";
import { createOpenAIStyleClient, openAIStyleChatOperations, openAIStyleResponsesOperations, resolveProviderPrice } from "@dheera/core/kit";
import { z } from "zod";

// Strict: `api_bsae: "..."` is an error that names the key, not a silently ignored setting.
const settingsSchema = z.strictObject({
  api_key: z.string().optional(),
  api_base: z.string().optional(),
});

/** `example/<model>`: any server that speaks the Responses API and Chat Completions natively. */
export default defineProvider({
  specificationVersion: "v1",
  id: "example",
  settingsSchema,
  settingKeys: Object.keys(settingsSchema.shape),
  envKeys: ["EXAMPLE_API_KEY"],
  // Called once per configuration, not per request: check settings and build everything here.
  resolve(reference, settings, context): Deployment {
    const apiKey = settings.api_key ?? context.env.EXAMPLE_API_KEY;
    if (!apiKey) {
      throw new ConfigurationError("Set api_key or EXAMPLE_API_KEY for the example provider.", { param: "api_key", provider: "example" });
    }
    const apiBase = (settings.api_base ?? "https://api.example.com/v1").replace(/\/+$/, "");
    const model = reference.model; // `example/gpt-4o` -> `gpt-4o`

    // Every upstream call goes through context.transport (the host picks undici, fetch or a test
    // double); the client adds auth, timeouts, abort and error mapping.
    const client = createOpenAIStyleClient({
      provider: "example",
      displayName: "The example server",
      transport: context.transport,
      authHeaders: () => ({ authorization: `Bearer ${apiKey}` }),
      staticAuth: true,
      secrets: [apiKey],
    });
    const byId = (id: string) => `${apiBase}/responses/${encodeURIComponent(id)}`;
    return {
      provider: "example",
      name: model,
      apiBase,
      native: { responses: true, chat: true },
      responses: openAIStyleResponsesOperations(client, {
        model,
        urls: {
          responses: `${apiBase}/responses`,
          responseById: byId,
          cancel: (id) => `${byId(id)}/cancel`,
          inputItems: (id) => `${byId(id)}/input_items`,
        },
      }),
      chat: openAIStyleChatOperations(client, { url: `${apiBase}/chat/completions`, model }),
      // USD per token from the price database (OpenAI's prices for the same model names),
      // overridden by the host's model_info; warns once when a model has no price.
      ...resolveProviderPrice({ displayName: "Example", catalogProvider: "openai", deployment: model, apiBase, modelInfo: context.modelInfo, warn: context.warn }),
    };
  },
});
