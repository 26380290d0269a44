import { z } from "zod";

/*
 * Virtual keys and teams as the admin API shows them (LiteLLM's field names), and the request
 * bodies that create and change them. Types come from these schemas.
 */

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable();
const id = z.string().trim().min(1).max(256);

/** The limits a key and a team both have (null = none). */
const limitFields = {
  /** model_names this key or team may call; empty = all. */
  models: z.array(id).max(1000),
  /** USD per budget period (or ever, without budget_duration). */
  max_budget: z.number().min(0).max(1e12).nullable(),
  /** `30s`, `1h`, `1d`, `30d`, `1mo`: the budget's period (duration.ts). */
  budget_duration: z.string().max(16).nullable(),
  rpm_limit: count,
  tpm_limit: count,
  max_parallel_requests: count,
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
};

export const teamRecordSchema = z.object({
  team_id: z.string(),
  team_alias: z.string().nullable(),
  ...limitFields,
  /** Budget periods run back to back from here: creation, or the last change of budget_duration. */
  budget_anchor: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TeamRecord = z.infer<typeof teamRecordSchema>;

export const keyRecordSchema = z.object({
  /** Stable id: the same after /key/regenerate (spend and budgets follow it). */
  key_id: z.string(),
  /** SHA-256 of the key, hex: how an admin may name a key without holding it. */
  token: z.string(),
  /** `sk-...AbCd`. */
  key_name: z.string(),
  key_alias: z.string().nullable(),
  team_id: z.string().nullable(),
  user_id: z.string().nullable(),
  /** ISO 8601; null = never. */
  expires: z.string().nullable(),
  ...limitFields,
  budget_anchor: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type KeyRecord = z.infer<typeof keyRecordSchema>;

/** What /key/generate, /key/update, /team/new and /team/update may set; unknown fields are refused, not ignored. */
const settable = {
  models: limitFields.models.optional(),
  max_budget: limitFields.max_budget.optional(),
  budget_duration: limitFields.budget_duration.optional(),
  rpm_limit: count.optional(),
  tpm_limit: count.optional(),
  max_parallel_requests: count.optional(),
  blocked: z.boolean().optional(),
  metadata: limitFields.metadata.nullable().optional(),
};

const keySettable = {
  ...settable,
  key_alias: id.nullable().optional(),
  team_id: id.nullable().optional(),
  user_id: id.nullable().optional(),
  /** How long the key lives from now (`30d`); null = forever. */
  duration: z.string().max(16).nullable().optional(),
};

export const keyGenerateSchema = z.strictObject({
  ...keySettable,
  /** A key of the admin's choosing (must start with `sk-`), instead of a generated one. */
  key: z.string().regex(/^sk-[A-Za-z0-9_-]{16,200}$/, "must be 'sk-' and 16 to 200 letters, digits, '-' or '_'").optional(),
});
export type KeyGenerateRequest = z.infer<typeof keyGenerateSchema>;

/** `key`: the key itself or its token (the SHA-256 hex /key/list shows). */
export const keyUpdateSchema = z.strictObject({ key: id, ...keySettable });
export type KeyUpdateRequest = z.infer<typeof keyUpdateSchema>;

export const keyRegenerateSchema = z.strictObject({ key: id, ...keySettable, new_key: keyGenerateSchema.shape.key });
export const keyReferenceSchema = z.strictObject({ key: id });
export const keyDeleteSchema = z
  .strictObject({ keys: z.array(id).max(1000).optional(), key_aliases: z.array(id).max(1000).optional() })
  .refine((v) => (v.keys?.length ?? 0) + (v.key_aliases?.length ?? 0) > 0, { message: "name the keys to delete in 'keys' (keys or tokens) or 'key_aliases'" });

export const teamNewSchema = z.strictObject({ ...settable, team_id: id.optional(), team_alias: id.nullable().optional() });
export type TeamNewRequest = z.infer<typeof teamNewSchema>;
export const teamUpdateSchema = z.strictObject({ ...settable, team_id: id, team_alias: id.nullable().optional() });
export type TeamUpdateRequest = z.infer<typeof teamUpdateSchema>;
export const teamDeleteSchema = z.strictObject({ team_ids: z.array(id).min(1).max(1000) });
