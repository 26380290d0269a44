/**
 * The spend table's columns, in the order both stores insert them: the keys of `spendRowSchema`
 * (spend-row.ts checks at compile time that the two lists agree). Kept apart from the schema so
 * the spend worker, whose isolate needs only these names, does not load zod (about 10 MB of RSS).
 */
export const SPEND_COLUMNS = [
  "id",
  "request_id",
  "created_at",
  "call_type",
  "model_name",
  "deployment",
  "provider",
  "api_key_hash",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "total_tokens",
  "cost",
  "status",
  "latency_ms",
  "stream",
  "error_code",
  "attempts",
  "price_source",
  "key_id",
  "key_alias",
  "team_id",
] as const;
