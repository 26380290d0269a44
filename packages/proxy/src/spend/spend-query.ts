import { InvalidRequestError } from "@dheera/core";
import { tokenOfReference } from "../keys/key-secret.js";
import type { SpendFilter } from "./spend-store.js";

export const DEFAULT_LOGS_LIMIT = 100;
export const MAX_LOGS_LIMIT = 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const DAY_MS = 86_400_000;

/**
 * The query of /spend/logs and /spend/summary: `model` (a model_name), `api_key` (a key, its
 * token or its 16-hex hash), `key_alias`, `team_id`, `start_date` and
 * `end_date` (ISO dates or datetimes, UTC unless they carry an offset; a date alone covers the
 * whole day, both bounds inclusive), and for the logs `limit` (default 100, at most 1000).
 */
export function parseSpendQuery(query: URLSearchParams): { filter: SpendFilter; limit: number } {
  const filter: SpendFilter = {};
  const model = query.get("model");
  if (model !== null && model !== "") filter.model = model;
  const apiKey = query.get("api_key");
  if (apiKey !== null && apiKey !== "") filter.apiKeyHash = apiKeyHashOf(apiKey);
  const alias = query.get("key_alias");
  if (alias !== null && alias !== "") filter.keyAlias = alias;
  const team = query.get("team_id");
  if (team !== null && team !== "") filter.teamId = team;
  const start = query.get("start_date");
  if (start !== null && start !== "") filter.from = parseBound(start, "start_date", "start");
  const end = query.get("end_date");
  if (end !== null && end !== "") filter.to = parseBound(end, "end_date", "end");
  if (filter.from && filter.to && filter.from >= filter.to) {
    throw new InvalidRequestError("end_date must not be before start_date.", { param: "end_date", code: "invalid_value" });
  }
  return { filter, limit: parseLimit(query.get("limit")) };
}

/** Spend rows name a key by the first 16 hex characters of its SHA-256 (auth/api-key-hash.ts). */
function apiKeyHashOf(value: string): string {
  const v = value.trim();
  if (/^[0-9a-f]{16}$/.test(v)) return v;
  return tokenOfReference(v).slice(0, 16);
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return DEFAULT_LOGS_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1 || n > MAX_LOGS_LIMIT) {
    throw new InvalidRequestError(`limit must be an integer from 1 to ${MAX_LOGS_LIMIT}.`, { param: "limit", code: "invalid_value" });
  }
  return n;
}

/** The bound as the instant it stands for; `end` bounds are exclusive, one unit past what was written. */
function parseBound(raw: string, param: string, side: "start" | "end"): Date {
  const value = raw.trim();
  const invalid = () =>
    new InvalidRequestError(`${param} must be an ISO date (2026-01-31) or datetime (2026-01-31T12:00:00Z).`, { param, code: "invalid_value" });
  const date = DATE.exec(value);
  if (date) {
    const ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    const check = new Date(ms);
    if (check.getUTCMonth() !== Number(date[2]) - 1 || check.getUTCDate() !== Number(date[3])) throw invalid();
    return new Date(side === "end" ? ms + DAY_MS : ms);
  }
  if (!DATETIME.test(value)) throw invalid();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned.replace(" ", "T"));
  if (Number.isNaN(ms)) throw invalid();
  return new Date(side === "end" ? ms + 1 : ms);
}
