import type { LoggingPayload } from "@dheera/core";
import { z } from "zod";
import { randomHex } from "../http/random-hex.js";
import type { SPEND_COLUMNS } from "./spend-columns.js";

/*
 * One spend row per model call: what /spend/logs returns and what both stores hold. Built from
 * the call's logging payload, so the spend store and the callbacks never disagree.
 */

const tokens = z.number().int().nonnegative().nullable();

export const spendRowSchema = z.strictObject({
  /**
   * The row's own id (a UUIDv7, see `timeOrderedId`): inserts are idempotent, a retried batch
   * never doubles a row.
   */
  id: z.string(),
  /** The proxy's request id (`x-request-id`; a client may choose it, so it is not unique). */
  request_id: z.string(),
  /** When the request started, ISO 8601 UTC. */
  created_at: z.string(),
  call_type: z.string(),
  model_name: z.string(),
  /** The model_list entry as the request log names it (`azure/gpt-4o#0`); null before routing. */
  deployment: z.string().nullable(),
  provider: z.string().nullable(),
  /** SHA-256 prefix of the presented key, never the key; null without one. */
  api_key_hash: z.string().nullable(),
  /** Null when the usage is unknown (most failures), never a made-up 0. */
  input_tokens: tokens,
  cached_input_tokens: tokens,
  output_tokens: tokens,
  reasoning_tokens: tokens,
  total_tokens: tokens,
  /** USD; null when the usage or the deployment's price is unknown. */
  cost: z.number().nullable(),
  /** The request's outcome as an HTTP status: the response's, or the error that ended a stream. */
  status: z.number().int(),
  latency_ms: z.number(),
  stream: z.boolean(),
  error_code: z.string().nullable(),
  /** Upstream attempts the router made, retries and fallbacks included; null when none was made. */
  attempts: z.number().int().nonnegative().nullable(),
  /** Which source priced `cost` (`genai-prices:azure`, `model_info`, ...); null when the cost is. */
  price_source: z.string().nullable(),
  /** The virtual key's stable id (it survives /key/regenerate), its alias and team; null for the master key. */
  key_id: z.string().nullable(),
  key_alias: z.string().nullable(),
  team_id: z.string().nullable(),
});
export type SpendRow = z.infer<typeof spendRowSchema>;

// SPEND_COLUMNS lives in a module without zod (see there); this fails to compile when the two
// lists differ.
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustBeTrue<T extends true> = T;
export type SpendColumnsMatchSchema = MustBeTrue<SameKeys<(typeof SPEND_COLUMNS)[number], keyof SpendRow>>;

/**
 * A UUIDv7 (RFC 9562): the Unix time in ms in the first 48 bits, then 74 random bits. New rows'
 * ids sort after the old ones, so the primary-key index grows at its end instead of taking writes
 * at random pages: with random (v4) ids an SQLite insert into a 100k-row table cost 36 us, with
 * these 10 us (and PostgreSQL's B-tree gains the same locality).
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, "0");
  // xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx: 18 random hex digits, and V the RFC variant (10) with 2 random bits.
  const r = randomHex(10);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${r.slice(0, 3)}-${VARIANT[hexValue(r.charCodeAt(3)) & 3]}${r.slice(4, 7)}-${r.slice(7, 19)}`;
}

const VARIANT = "89ab";
const hexValue = (code: number) => (code < 58 ? code - 48 : code - 87);

/** Who made the call, as a spend row names it. */
export interface SpendIdentity {
  apiKeyHash: string | null;
  keyId: string | null;
  keyAlias: string | null;
  teamId: string | null;
}

export function spendRowOf(payload: LoggingPayload, extra: SpendIdentity & { deployment: string | null; httpStatus: number }): SpendRow {
  const u = payload.usage;
  return {
    id: timeOrderedId(),
    request_id: payload.id,
    created_at: payload.start_time,
    call_type: payload.call_type,
    model_name: payload.model,
    deployment: extra.deployment,
    provider: payload.provider,
    api_key_hash: extra.apiKeyHash,
    input_tokens: u ? u.input_tokens : null,
    cached_input_tokens: u ? u.cached_input_tokens : null,
    output_tokens: u ? u.output_tokens : null,
    reasoning_tokens: u ? u.reasoning_tokens : null,
    total_tokens: u ? u.total_tokens : null,
    cost: payload.cost,
    status: payload.error?.status ?? extra.httpStatus,
    latency_ms: payload.latency_ms,
    stream: payload.stream,
    error_code: payload.error?.code ?? null,
    attempts: payload.attempts?.length ?? null,
    price_source: payload.price_source ?? null,
    key_id: extra.keyId,
    key_alias: extra.keyAlias,
    team_id: extra.teamId,
  };
}
