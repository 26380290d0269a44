import { z } from "zod";

/*
 * The proxy's config.yaml. Strict objects everywhere a user types keys, so a typo such as
 * `api_bse` or `master_kye` is an error naming the key instead of a silently ignored line.
 * Provider settings inside `dheera_ai_params` are checked by the provider's own schema later
 * (the proxy does not know them); here they are only required to be an object with `model`.
 */

/** `model_info.id` becomes part of response ids, so it must be printable and short. */
const deploymentIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const dheeraAiParamsSchema = z.looseObject({
  /** `<provider>/<model>`: the prefix names the provider package, the rest is the provider's business. */
  model: z
    .string()
    .min(1)
    .regex(/^[^/\s]+\/\S+$/, "must be <provider>/<model>"),
});

export const modelInfoSchema = z.strictObject({
  /** Stable identity of the deployment; response ids are routed by it (see README). */
  id: deploymentIdSchema.optional(),
  /** Informational keys, accepted for compatibility with existing configs. */
  base_model: z.string().optional(),
  mode: z.string().optional(),
  description: z.string().optional(),
  max_tokens: z.number().int().positive().optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
  input_cost_per_token: z.number().nonnegative().optional(),
  output_cost_per_token: z.number().nonnegative().optional(),
});

export const modelEntrySchema = z.strictObject({
  /** The public name clients send as `model`. Several entries may share it (load balancing). */
  model_name: z.string().min(1),
  dheera_ai_params: dheeraAiParamsSchema,
  model_info: modelInfoSchema.optional(),
});

export const generalSettingsSchema = z.strictObject({
  /** Clients must send it as `Authorization: Bearer <key>` (or `api-key` / `x-api-key`). */
  master_key: z.string().min(1).optional(),
  /** Largest accepted request body, in MB (default 10). */
  max_request_body_size_mb: z.number().positive().max(1024).optional(),
  /** How long SIGTERM waits for in-flight requests and streams, in seconds (default 10). */
  graceful_shutdown_timeout_seconds: z.number().nonnegative().max(3600).optional(),
});

export const routerSettingsSchema = z.strictObject({
  /** How requests spread over the deployments of one model_name (default `least-busy`). */
  routing_strategy: z.enum(["least-busy", "round-robin"]).optional(),
});

export const dheeraAiSettingsSchema = z.strictObject({
  /** Same as the `--detailed_debug` flag. */
  detailed_debug: z.boolean().optional(),
});

export const proxyConfigSchema = z.strictObject({
  model_list: z.array(modelEntrySchema).min(1, "needs at least one model"),
  general_settings: generalSettingsSchema.optional(),
  router_settings: routerSettingsSchema.optional(),
  dheera_ai_settings: dheeraAiSettingsSchema.optional(),
});

export type ProxyConfig = z.infer<typeof proxyConfigSchema>;
export type ModelEntry = z.infer<typeof modelEntrySchema>;
export type GeneralSettings = z.infer<typeof generalSettingsSchema>;
