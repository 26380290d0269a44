import type BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { SPEND_COLUMNS } from "./spend-columns.js";
import type { SpendRow } from "./spend-row.js";
import type { SqlStatement, SqlValue } from "./sql-runner.js";
import { TOTALS_SQL, totalsOf, whereOf, type MigrationReport, type SpendFilter, type SpendSummary } from "./spend-store.js";

type DatabaseClass = typeof BetterSqlite3;

/**
 * The synchronous SQLite spend database (better-sqlite3), used by the spend worker
 * (spend-worker.ts), which owns the connection off the main thread, and by the in-thread
 * fallback when the worker's file is absent (running from source).
 */
export interface SqliteSpendDatabase {
  migrate(): MigrationReport;
  insert(rows: readonly SpendRow[]): void;
  logs(filter: SpendFilter, limit: number): SpendRow[];
  summary(filter: SpendFilter): SpendSummary;
  /** The rows of one SELECT (see sql-runner.ts). */
  query(sql: string, params: readonly SqlValue[]): unknown[];
  /** The statements in one transaction; the rows each changed. */
  execute(statements: readonly SqlStatement[]): number[];
  /** A passive WAL checkpoint (never waits for readers or writers). */
  checkpoint(): void;
  close(): void;
}

/**
 * WAL mode, so readers never wait for the writer and several processes can share the file.
 * `synchronous = NORMAL`: a committed batch survives the process being killed (kill -9); only a
 * power cut can lose the last commits. With `manualCheckpoint` the automatic WAL checkpoint is
 * off and the owner calls `checkpoint()` on a timer (the worker does).
 */
export function openSqliteSpendDatabase(Database: DatabaseClass, location: string, options: { manualCheckpoint?: boolean } = {}): SqliteSpendDatabase {
  const db: BetterSqlite3.Database = new Database(location);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Another process holding the write lock (a worker migrating, a flush) is waited for.
    db.pragma("busy_timeout = 5000");
    if (options.manualCheckpoint) db.pragma("wal_autocheckpoint = 0");
  } catch (err) {
    db.close();
    throw err;
  }
  let insertMany: ((batch: readonly SpendRow[]) => void) | undefined;
  // Key and team statements are few and repeated (the key cache's poll runs every second).
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const statement = (sql: string) => {
    let st = prepared.get(sql);
    if (st === undefined) prepared.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const executeAll = db.transaction((statements: readonly SqlStatement[]) => statements.map((st) => statement(st.sql).run(...st.params).changes));
  const values = new Array<string | number | null>(SPEND_COLUMNS.length);

  return {
    migrate() {
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
    insert(rows) {
      if (!insertMany) {
        const statement = db.prepare(
          `INSERT INTO spend_logs (${SPEND_COLUMNS.join(", ")}) VALUES (${SPEND_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT (id) DO NOTHING`,
        );
        insertMany = db.transaction((batch: readonly SpendRow[]) => {
          for (const row of batch) {
            for (let i = 0; i < SPEND_COLUMNS.length; i++) values[i] = toSqlite(row[SPEND_COLUMNS[i]!]);
            statement.run(values);
          }
        });
      }
      insertMany(rows);
    },
    logs(filter, limit) {
      const where = whereOf(filter, () => "?", (d) => d.toISOString());
      const rows = db
        .prepare(`SELECT ${SPEND_COLUMNS.join(", ")} FROM spend_logs ${where.sql} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...where.params, limit) as Record<string, unknown>[];
      return rows.map(fromSqlite);
    },
    summary(filter) {
      const where = whereOf(filter, () => "?", (d) => d.toISOString());
      const total = db.prepare(`SELECT ${TOTALS_SQL} FROM spend_logs ${where.sql}`).get(...where.params) as Record<string, unknown>;
      const byModel = db
        .prepare(`SELECT model_name, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY model_name ORDER BY cost DESC, requests DESC, model_name`)
        .all(...where.params) as Record<string, unknown>[];
      const byKey = db
        .prepare(`SELECT api_key_hash, ${TOTALS_SQL} FROM spend_logs ${where.sql} GROUP BY api_key_hash ORDER BY cost DESC, requests DESC, api_key_hash`)
        .all(...where.params) as Record<string, unknown>[];
      return {
        total: totalsOf(total),
        by_model: byModel.map((r) => ({ model_name: String(r.model_name), ...totalsOf(r) })),
        by_api_key: byKey.map((r) => ({ api_key_hash: (r.api_key_hash as string | null) ?? null, ...totalsOf(r) })),
      };
    },
    query(sql, params) {
      return statement(sql).all(...params);
    },
    execute(statements) {
      // IMMEDIATE: the write lock first, so a read inside sees what the transaction will change.
      return executeAll.immediate(statements);
    },
    checkpoint() {
      if (db.open) db.pragma("wal_checkpoint(PASSIVE)");
    },
    close() {
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
