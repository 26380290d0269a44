/**
 * A model as `/v1/models` lists it: OpenAI's four fields, or vLLM's model card (owned by
 * "vllm", with its root, parent, context length and a permission entry).
 */

// gpt-4o's release day: a fixed `created` keeps the answers deterministic.
const CREATED = Math.floor(Date.UTC(2024, 4, 13) / 1000);
const VLLM_MAX_MODEL_LEN = 32_768;

export function modelObject(id: string, chatOnly: boolean): Record<string, unknown> {
  if (chatOnly) {
    return {
      id,
      object: "model",
      created: CREATED,
      owned_by: "vllm",
      root: id,
      parent: null,
      max_model_len: VLLM_MAX_MODEL_LEN,
      permission: [
        {
          id: `modelperm-${id.replace(/[^A-Za-z0-9]/g, "").slice(0, 24)}`,
          object: "model_permission",
          created: CREATED,
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: "*",
          group: null,
          is_blocking: false,
        },
      ],
    };
  }
  // OpenAI's own models are "system"'s; anything else (a fine-tune, say) the organization's.
  const own = /^(gpt|o\d|codex|chatgpt|text-|dall-e|whisper|tts)/.test(id);
  return { id, object: "model", created: CREATED, owned_by: own ? "system" : "organization-owner" };
}

export function modelList(models: readonly string[], chatOnly: boolean): Record<string, unknown> {
  return { object: "list", data: models.map((id) => modelObject(id, chatOnly)) };
}
