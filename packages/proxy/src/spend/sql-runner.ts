/**
 * Plain SQL on the proxy's database, for what lives beside the spend rows (virtual keys and
 * teams): one dialect-neutral form, `?` placeholders, both backends. Values are strings, numbers
 * or null (booleans as 0/1, JSON as text), so the same statements serve SQLite and PostgreSQL.
 */
export type SqlValue = string | number | null;

export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

export interface SqlRunner {
  readonly dialect: "sqlite" | "postgres";
  /** The rows of one SELECT. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The statements in one transaction, all or none; the rows each one changed. */
  execute(statements: readonly SqlStatement[]): Promise<number[]>;
}

const pgCache = new Map<string, string>();

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (no `?` appears in our statements otherwise). */
export function toPostgresPlaceholders(sql: string): string {
  let out = pgCache.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    if (pgCache.size < 512) pgCache.set(sql, out);
  }
  return out;
}
