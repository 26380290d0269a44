import type { SpendRow } from "./spend-row.js";
import type { SqlRunner } from "./sql-runner.js";

/** Rows whose created_at is in [from, to), narrowed to one model_name, key or team when those are set. */
export interface SpendFilter {
  model?: string | undefined;
  /** The 16-hex SHA-256 prefix of a key (spend rows' api_key_hash). */
  apiKeyHash?: string | undefined;
  keyAlias?: string | undefined;
  teamId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface SpendTotals {
  requests: number;
  /** Rows with a status of 400 or more. */
  failed_requests: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  /** USD, the sum of the known costs. */
  cost: number;
  /** Rows whose cost is unknown (null): `cost` is a lower bound when this is not 0. */
  unpriced_requests: number;
}

export interface SpendSummary {
  total: SpendTotals;
  by_model: (SpendTotals & { model_name: string })[];
  by_api_key: (SpendTotals & { api_key_hash: string | null })[];
}

export interface MigrationReport {
  /** The schema version after the run. */
  version: number;
  /** Versions this run applied (empty when the store was up to date). */
  applied: number[];
}

/**
 * Where spend rows live: a SQLite file (embedded default) or PostgreSQL (shared by several
 * proxies). Both run the same numbered migrations and answer the same queries.
 */
export interface SpendStore {
  readonly backend: "sqlite" | "postgres" | "disabled";
  /** Where it is, for logs: a file path, or host and database (never a password). */
  readonly location: string;
  /** Applies the migrations this store has not seen yet, in order, once (safe to run concurrently). */
  migrate(): Promise<MigrationReport>;
  /** Inserts the rows in one transaction; rows already there (same id) are left as they are. */
  insert(rows: readonly SpendRow[]): Promise<void>;
  /** Newest first. */
  logs(filter: SpendFilter, limit: number): Promise<SpendRow[]>;
  summary(filter: SpendFilter): Promise<SpendSummary>;
  /** The same database for the virtual keys and teams; absent when spend logs are disabled. */
  readonly sql?: SqlRunner;
  close(): Promise<void>;
}

/** The WHERE clause of a filter, with placeholders from `placeholder(n)` (1-based). */
export function whereOf(filter: SpendFilter, placeholder: (n: number) => string, time: (d: Date) => unknown): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(`${column} = ${placeholder(params.length)}`);
  };
  equal("model_name", filter.model);
  equal("api_key_hash", filter.apiKeyHash);
  equal("key_alias", filter.keyAlias);
  equal("team_id", filter.teamId);
  if (filter.from !== undefined) {
    params.push(time(filter.from));
    clauses.push(`created_at >= ${placeholder(params.length)}`);
  }
  if (filter.to !== undefined) {
    params.push(time(filter.to));
    clauses.push(`created_at < ${placeholder(params.length)}`);
  }
  return { sql: clauses.length === 0 ? "" : `WHERE ${clauses.join(" AND ")}`, params };
}

/** The aggregate columns of a summary query (same SQL on both backends). */
export const TOTALS_SQL = `COUNT(*) AS requests,
  SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS failed_requests,
  COALESCE(SUM(input_tokens), 0) AS input_tokens,
  COALESCE(SUM(cached_input_tokens), 0) AS cached_input_tokens,
  COALESCE(SUM(output_tokens), 0) AS output_tokens,
  COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  COALESCE(SUM(total_tokens), 0) AS total_tokens,
  COALESCE(SUM(cost), 0) AS cost,
  SUM(CASE WHEN cost IS NULL THEN 1 ELSE 0 END) AS unpriced_requests`;

/** Reads a totals row (PostgreSQL returns bigint sums as strings); cost loses its float noise. */
export function totalsOf(row: Record<string, unknown>): SpendTotals {
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    requests: n("requests"),
    failed_requests: n("failed_requests"),
    input_tokens: n("input_tokens"),
    cached_input_tokens: n("cached_input_tokens"),
    output_tokens: n("output_tokens"),
    reasoning_tokens: n("reasoning_tokens"),
    total_tokens: n("total_tokens"),
    cost: Number(n("cost").toPrecision(12)),
    unpriced_requests: n("unpriced_requests"),
  };
}
