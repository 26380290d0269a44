import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "./postgres.js";
import { sqliteMigrations, sqliteRows, type RowLike } from "./spend.js";

export type Backend = "sqlite" | "postgres";

/** A fresh spend store of either backend, and how to read it back. */
export interface TestStore {
  backend: Backend;
  /** Lines to put under general_settings. */
  settings: string;
  rows(): Promise<RowLike[]>;
  migrations(): Promise<{ version: number; name: string; applied_at: string }[]>;
  dispose(): Promise<void>;
}

export async function openTestStore(backend: Backend): Promise<TestStore> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "dheera-spend-"));
    const file = path.join(dir, "spend.sqlite");
    return {
      backend,
      settings: `  spend_db_path: ${file}\n`,
      rows: async () => sqliteRows(file),
      migrations: async () => sqliteMigrations(file),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const db = await createTestDatabase();
  return {
    backend,
    settings: `  database_url: ${db.url}\n`,
    rows: async () =>
      (await db.query("SELECT * FROM spend_logs ORDER BY created_at")).map((r) => ({ ...(r as unknown as RowLike), created_at: (r.created_at as Date).toISOString() })),
    migrations: async () =>
      (await db.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")).map((r) => ({
        version: r.version as number,
        name: r.name as string,
        applied_at: (r.applied_at as Date).toISOString(),
      })),
    dispose: () => db.drop(),
  };
}
