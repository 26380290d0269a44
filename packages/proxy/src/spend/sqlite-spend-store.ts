import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { SPEND_COLUMNS, type SpendRow } from "./spend-row.js";
import { TOTALS_SQL, totalsOf, whereOf, type SpendFilter, type SpendStore, type SpendSummary } from "./spend-store.js";

/**
 * The embedded spend store: one SQLite file (better-sqlite3) in WAL mode, so readers never wait
 * for the writer and several processes (workers, a second proxy on the same host) can share the
 * file. `synchronous = NORMAL`: a committed batch survives the process being killed (kill -9);
 * only a power cut can lose the last commits. Calls are synchronous and short (a batch insert is
 * one transaction of prepared statements), and run in the flush timer, never in a request.
 */
export async function openSqliteSpendStore(file: string): Promise<SpendStore> {
  const { default: Database } = await import("better-sqlite3");
  const location = file === ":memory:" ? ":memory:" : path.resolve(file);
  const db: BetterSqlite3.Database = new Database(location);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Another process holding the write lock (a worker migrating, a flush) is waited for.
    db.pragma("busy_timeout = 5000");
  } catch (err) {
    db.close();
    throw err;
  }
  let insert: BetterSqlite3.Statement | undefined;

  return {
    backend: "sqlite",
    location,
    async migrate() {
      db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
      // IMMEDIATE takes the write lock first: two processes starting together apply each migration once.
      const run = db.transaction(() => {
        const done = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
        const applied: number[] = [];
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue;
          for (const statement of migration.sqlite) db.exec(statement);
          db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(migration.version, migration.name, new Date().toISOString());
          applied.push(migration.version);
        }
        const max = (db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0;
        return { version: Math.max(max, SCHEMA_VERSION), applied };
      });
      return run.immediate();
    },
    async insert(rows) {
      insert ??= db.prepare(
        `INSERT INTO spend_logs (${SPEND_COLUMNS.join(", ")}) VALUES (${SPEND_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (id) DO NOTHING`,
      );
      const statement = insert;
      db.transaction((batch: readonly SpendRow[]) => {
        for (const row of batch) statement.run(SPEND_COLUMNS.map((c) => toSqlite(row[c])));
      })(rows);
    },
    async logs(filter, limit) {
      const where = whereOf(filter, () => "?", (d) => d.toISOString());
      const rows = db
        .prepare(`SELECT ${SPEND_COLUMNS.join(", ")} FROM spend_logs ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...where.params, limit) as Record<string, unknown>[];
      return rows.map(fromSqlite);
    },
    async summary(filter) {
      const where = whereOf(filter, () => "?", (d) => d.toISOString());
      const total = db.prepare(`SELECT ${TOTALS_SQL} FROM spend_logs ${where.sql}`).get(...where.params) as Record<string, unknown>;
      const byModel = db
        .prepare(`SELECT model_name, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY model_name ORDER BY cost DESC, requests DESC, model_name`)
        .all(...where.params) as Record<string, unknown>[];
      const byKey = db
        .prepare(`SELECT api_key_hash, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY api_key_hash ORDER BY cost DESC, requests DESC, api_key_hash`)
        .all(...where.params) as Record<string, unknown>[];
      const summary: SpendSummary = {
        total: totalsOf(total),
        by_model: byModel.map((r) => ({ model_name: String(r.model_name), ...totalsOf(r) })),
        by_api_key: byKey.map((r) => ({ api_key_hash: (r.api_key_hash as string | null) ?? null, ...totalsOf(r) })),
      };
      return summary;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

function toSqlite(value: SpendRow[keyof SpendRow]): string | number | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function fromSqlite(row: Record<string, unknown>): SpendRow {
  return { ...(row as unknown as SpendRow), stream: row.stream === 1 };
}
