/*
 * The spend store's schema, as numbered migrations. Each runs once, in order, inside one
 * transaction together with its `schema_migrations` row, on both backends; a store that is up to
 * date runs nothing. Never edit a migration that shipped: add the next number.
 */

export interface Migration {
  version: number;
  name: string;
  sqlite: readonly string[];
  postgres: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create_spend_logs",
    sqlite: [
      `CREATE TABLE spend_logs (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        call_type TEXT NOT NULL,
        model_name TEXT NOT NULL,
        deployment TEXT,
        provider TEXT,
        api_key_hash TEXT,
        input_tokens INTEGER,
        cached_input_tokens INTEGER,
        output_tokens INTEGER,
        reasoning_tokens INTEGER,
        total_tokens INTEGER,
        cost REAL,
        status INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        stream INTEGER NOT NULL,
        error_code TEXT
      )`,
    ],
    postgres: [
      `CREATE TABLE spend_logs (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        call_type TEXT NOT NULL,
        model_name TEXT NOT NULL,
        deployment TEXT,
        provider TEXT,
        api_key_hash TEXT,
        input_tokens INTEGER,
        cached_input_tokens INTEGER,
        output_tokens INTEGER,
        reasoning_tokens INTEGER,
        total_tokens INTEGER,
        cost DOUBLE PRECISION,
        status INTEGER NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        stream BOOLEAN NOT NULL,
        error_code TEXT
      )`,
    ],
  },
  {
    version: 2,
    name: "index_spend_logs",
    // Newest-first listing, per-model ranges and per-key summaries.
    sqlite: [
      "CREATE INDEX spend_logs_created_at ON spend_logs (created_at)",
      "CREATE INDEX spend_logs_model_created_at ON spend_logs (model_name, created_at)",
      "CREATE INDEX spend_logs_api_key_hash ON spend_logs (api_key_hash)",
    ],
    postgres: [
      "CREATE INDEX spend_logs_created_at ON spend_logs (created_at)",
      "CREATE INDEX spend_logs_model_created_at ON spend_logs (model_name, created_at)",
      "CREATE INDEX spend_logs_api_key_hash ON spend_logs (api_key_hash)",
    ],
  },
  {
    version: 3,
    name: "spend_logs_attempts",
    // How many upstream attempts the router made (retries and fallbacks included); null for rows
    // written before the router recorded them.
    sqlite: ["ALTER TABLE spend_logs ADD COLUMN attempts INTEGER"],
    postgres: ["ALTER TABLE spend_logs ADD COLUMN attempts INTEGER"],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
