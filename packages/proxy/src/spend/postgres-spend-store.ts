import type { Pool, PoolClient } from "pg";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { SPEND_COLUMNS } from "./spend-columns.js";
import type { SpendRow } from "./spend-row.js";
import { toPostgresPlaceholders, type SqlValue } from "./sql-runner.js";
import { TOTALS_SQL, totalsOf, whereOf, type SpendStore } from "./spend-store.js";

/** pg_advisory_xact_lock key that serialises migrations across every proxy sharing the database. */
const MIGRATION_LOCK = 7_341_920_158;

/**
 * The spend store in PostgreSQL, for several proxy instances sharing one store. A small pool;
 * a batch is one multi-row INSERT (one round trip, one transaction). Connection errors surface
 * as rejected promises: the writer counts and retries them, requests never see them.
 */
export async function openPostgresSpendStore(url: string, onIdleError: (err: Error) => void): Promise<SpendStore> {
  const { default: pg } = await import("pg");
  // Bounded waits: a database that stops answering turns into errors the writer retries, never a hang.
  const pool: Pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10_000, query_timeout: 15_000 });
  // An idle client losing its connection (a database restart) must not crash the process.
  pool.on("error", onIdleError);

  const inTransaction = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const out = await work(client);
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };

  return {
    backend: "postgres",
    location: describeUrl(url),
    migrate: () =>
      inTransaction(async (client) => {
        // Every instance starting at once waits here; the first applies, the others find it done.
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
        await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
        const done = new Set((await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version));
        const applied: number[] = [];
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue;
          for (const statement of migration.postgres) await client.query(statement);
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name]);
          applied.push(migration.version);
        }
        const max = (await client.query<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations")).rows[0]?.v ?? 0;
        return { version: Math.max(max, SCHEMA_VERSION), applied };
      }),
    async insert(rows) {
      if (rows.length === 0) return;
      const params: unknown[] = [];
      const tuples = rows.map((row) => {
        const start = params.length;
        for (const column of SPEND_COLUMNS) params.push(row[column]);
        return `(${SPEND_COLUMNS.map((_, i) => `$${start + i + 1}`).join(", ")})`;
      });
      // One statement is one transaction: the whole batch lands, or none of it.
      await pool.query(`INSERT INTO spend_logs (${SPEND_COLUMNS.join(", ")}) VALUES ${tuples.join(", ")} ON CONFLICT (id) DO NOTHING`, params);
    },
    async logs(filter, limit) {
      const where = whereOf(filter, (n) => `$${n}`, (d) => d.toISOString());
      const result = await pool.query(
        `SELECT ${SPEND_COLUMNS.join(", ")} FROM spend_logs ${where.sql} ORDER BY created_at DESC, id DESC LIMIT $${where.params.length + 1}`,
        [...where.params, limit],
      );
      return result.rows.map(fromPostgres);
    },
    async summary(filter) {
      const where = whereOf(filter, (n) => `$${n}`, (d) => d.toISOString());
      const [total, byModel, byKey] = await Promise.all([
        pool.query(`SELECT ${TOTALS_SQL} FROM spend_logs ${where.sql}`, where.params),
        pool.query(`SELECT model_name, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY model_name ORDER BY cost DESC, requests DESC, model_name`, where.params),
        pool.query(`SELECT api_key_hash, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY api_key_hash ORDER BY cost DESC, requests DESC, api_key_hash`, where.params),
      ]);
      return {
        total: totalsOf(total.rows[0] ?? {}),
        by_model: byModel.rows.map((r: Record<string, unknown>) => ({ model_name: String(r.model_name), ...totalsOf(r) })),
        by_api_key: byKey.rows.map((r: Record<string, unknown>) => ({ api_key_hash: (r.api_key_hash as string | null) ?? null, ...totalsOf(r) })),
      };
    },
    sql: {
      dialect: "postgres",
      async query<T>(sql: string, params: readonly SqlValue[] = []) {
        return (await pool.query(toPostgresPlaceholders(sql), params as SqlValue[])).rows as T[];
      },
      execute: (statements) =>
        inTransaction(async (client) => {
          const changed: number[] = [];
          for (const st of statements) changed.push((await client.query(toPostgresPlaceholders(st.sql), st.params as SqlValue[])).rowCount ?? 0);
          return changed;
        }),
    },
    close: () => pool.end(),
  };
}

function fromPostgres(row: Record<string, unknown>): SpendRow {
  const created = row.created_at;
  return { ...(row as unknown as SpendRow), created_at: created instanceof Date ? created.toISOString() : String(created) };
}

/** `postgres@db.example.com:5432/dheera`, for logs: never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ""}${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "postgresql://(unparsable url)";
  }
}
