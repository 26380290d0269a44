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

const LIMIT_COLUMNS = `models TEXT NOT NULL,
        max_budget DOUBLE PRECISION,
        budget_duration TEXT,
        budget_anchor TEXT NOT NULL,
        rpm_limit BIGINT,
        tpm_limit BIGINT,
        max_parallel_requests INTEGER,
        blocked INTEGER NOT NULL DEFAULT 0,
        metadata TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        revision BIGINT NOT NULL`;

const VIRTUAL_KEYS_SQL = [
  `CREATE TABLE dheera_teams (
        team_id TEXT PRIMARY KEY,
        team_alias TEXT,
        ${LIMIT_COLUMNS}
      )`,
  // token: the SHA-256 (hex) of the key, never the key; key_id stays when the key is regenerated.
  `CREATE TABLE dheera_keys (
        key_id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        key_name TEXT NOT NULL,
        key_alias TEXT UNIQUE,
        team_id TEXT,
        user_id TEXT,
        expires TEXT,
        ${LIMIT_COLUMNS}
      )`,
  "CREATE INDEX dheera_keys_team_id ON dheera_keys (team_id)",
  "ALTER TABLE spend_logs ADD COLUMN key_id TEXT",
  "ALTER TABLE spend_logs ADD COLUMN key_alias TEXT",
  "ALTER TABLE spend_logs ADD COLUMN team_id TEXT",
  // A budget's spend in its period, per key and per team.
  "CREATE INDEX spend_logs_key_id_created_at ON spend_logs (key_id, created_at)",
  "CREATE INDEX spend_logs_team_id_created_at ON spend_logs (team_id, created_at)",
];

const PRICED_RESPONSES_SQL = "CREATE TABLE priced_responses (response_id TEXT PRIMARY KEY, priced_at TEXT NOT NULL)";

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
  {
    version: 4,
    name: "virtual_keys_and_teams",
    // One SQL for both backends: ISO text timestamps, 0/1 flags and JSON text in the key tables.
    // `revision` changes (to a random number) on every write, so a replica's key cache notices any
    // change, deletions included, from COUNT and SUM alone (key-cache.ts).
    sqlite: VIRTUAL_KEYS_SQL,
    postgres: VIRTUAL_KEYS_SQL,
  },
  {
    version: 5,
    name: "spend_logs_price_source",
    // Which source priced the row's cost (genai-prices:<provider>, model_info, ...); null when the
    // cost is, and for rows written before it was recorded.
    sqlite: ["ALTER TABLE spend_logs ADD COLUMN price_source TEXT"],
    postgres: ["ALTER TABLE spend_logs ADD COLUMN price_source TEXT"],
  },
  {
    version: 6,
    name: "priced_responses",
    // Background responses whose completion has been priced: the first request that sees one
    // completed claims its id here (one row, whichever replica), so it is billed once.
    sqlite: [PRICED_RESPONSES_SQL],
    postgres: [PRICED_RESPONSES_SQL],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;
