import { randomInt } from "node:crypto";
import type { SqlRunner, SqlStatement, SqlValue } from "../spend/sql-runner.js";
import type { KeyRecord, TeamRecord } from "./key-records.js";

/*
 * Keys and teams in the proxy's database (the spend store's: SQLite by default, PostgreSQL with
 * database_url), one SQL for both. Every write gives the row a new random `revision`, so the key
 * cache of each replica sees any change (deletions too) from COUNT and SUM alone.
 */

const LIMIT_COLUMNS = ["models", "max_budget", "budget_duration", "budget_anchor", "rpm_limit", "tpm_limit", "max_parallel_requests", "blocked", "metadata", "created_at", "updated_at"] as const;
const TEAM_COLUMNS = ["team_id", "team_alias", ...LIMIT_COLUMNS] as const;
const KEY_COLUMNS = ["key_id", "token", "key_name", "key_alias", "team_id", "user_id", "expires", ...LIMIT_COLUMNS] as const;

export interface KeyListFilter {
  team_id?: string | undefined;
  user_id?: string | undefined;
  key_alias?: string | undefined;
}

export interface KeyStore {
  /** Changes whenever any key or team is written or deleted (the cache polls it). */
  stamp(): Promise<string>;
  loadAll(): Promise<{ keys: KeyRecord[]; teams: TeamRecord[] }>;
  keyByToken(token: string): Promise<KeyRecord | undefined>;
  keyByAlias(alias: string): Promise<KeyRecord | undefined>;
  listKeys(filter: KeyListFilter, offset: number, limit: number): Promise<{ keys: KeyRecord[]; total: number }>;
  keysOfTeam(teamId: string): Promise<KeyRecord[]>;
  insertKey(key: KeyRecord): Promise<void>;
  /** Replaces the row with key_id `key.key_id`; false when it is gone. */
  replaceKey(key: KeyRecord): Promise<boolean>;
  /** Deletes by key_id; the number deleted. */
  deleteKeys(keyIds: readonly string[]): Promise<number>;
  team(teamId: string): Promise<TeamRecord | undefined>;
  listTeams(): Promise<TeamRecord[]>;
  insertTeam(team: TeamRecord): Promise<void>;
  replaceTeam(team: TeamRecord): Promise<boolean>;
  /** Deletes the teams and their keys (as LiteLLM does); the teams deleted. */
  deleteTeams(teamIds: readonly string[]): Promise<number>;
  /** USD spent by a key (key_id) or team since `from` (ISO; undefined = ever), from the spend rows written so far. */
  spent(kind: "key" | "team", id: string, from: string | undefined): Promise<number>;
}

export function createKeyStore(sql: SqlRunner): KeyStore {
  const revision = () => randomInt(1, 2 ** 31);
  const insert = (table: string, columns: readonly string[], values: SqlValue[]): SqlStatement => ({
    sql: `INSERT INTO ${table} (${columns.join(", ")}, revision) VALUES (${columns.map(() => "?").join(", ")}, ?)`,
    params: [...values, revision()],
  });
  const replace = (table: string, columns: readonly string[], idColumn: string, values: SqlValue[]): SqlStatement => ({
    sql: `UPDATE ${table} SET ${columns.filter((c) => c !== idColumn).map((c) => `${c} = ?`).join(", ")}, revision = ? WHERE ${idColumn} = ?`,
    params: [...values.filter((_, i) => columns[i] !== idColumn), revision(), values[columns.indexOf(idColumn)]!],
  });
  const keys = async (where: string, params: SqlValue[]) => (await sql.query(`SELECT ${KEY_COLUMNS.join(", ")} FROM dheera_keys ${where}`, params)).map(keyOfRow);
  const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

  return {
    async stamp() {
      const [row] = await sql.query<Record<string, unknown>>(
        "SELECT (SELECT COUNT(*) FROM dheera_keys) AS k, (SELECT COALESCE(SUM(revision), 0) FROM dheera_keys) AS kr, (SELECT COUNT(*) FROM dheera_teams) AS t, (SELECT COALESCE(SUM(revision), 0) FROM dheera_teams) AS tr",
      );
      return `${row?.k}:${row?.kr}:${row?.t}:${row?.tr}`;
    },
    async loadAll() {
      const [k, t] = await Promise.all([keys("", []), sql.query(`SELECT ${TEAM_COLUMNS.join(", ")} FROM dheera_teams`)]);
      return { keys: k, teams: t.map(teamOfRow) };
    },
    keyByToken: async (token) => (await keys("WHERE token = ?", [token]))[0],
    keyByAlias: async (alias) => (await keys("WHERE key_alias = ?", [alias]))[0],
    async listKeys(filter, offset, limit) {
      const clauses: string[] = [];
      const params: SqlValue[] = [];
      for (const column of ["team_id", "user_id", "key_alias"] as const) {
        if (filter[column] === undefined) continue;
        clauses.push(`${column} = ?`);
        params.push(filter[column]!);
      }
      const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
      const [page, [count]] = await Promise.all([
        keys(`${where} ORDER BY created_at, key_id LIMIT ? OFFSET ?`, [...params, limit, offset]),
        sql.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM dheera_keys ${where}`, params),
      ]);
      return { keys: page, total: Number(count?.n ?? 0) };
    },
    keysOfTeam: (teamId) => keys("WHERE team_id = ? ORDER BY created_at, key_id", [teamId]),
    async insertKey(key) {
      await sql.execute([insert("dheera_keys", KEY_COLUMNS, keyValues(key))]);
    },
    async replaceKey(key) {
      const [changed] = await sql.execute([replace("dheera_keys", KEY_COLUMNS, "key_id", keyValues(key))]);
      return changed === 1;
    },
    async deleteKeys(keyIds) {
      if (keyIds.length === 0) return 0;
      const [n] = await sql.execute([{ sql: `DELETE FROM dheera_keys WHERE key_id IN (${placeholders(keyIds.length)})`, params: [...keyIds] }]);
      return n ?? 0;
    },
    team: async (teamId) => (await sql.query(`SELECT ${TEAM_COLUMNS.join(", ")} FROM dheera_teams WHERE team_id = ?`, [teamId])).map(teamOfRow)[0],
    listTeams: async () => (await sql.query(`SELECT ${TEAM_COLUMNS.join(", ")} FROM dheera_teams ORDER BY created_at, team_id`)).map(teamOfRow),
    async insertTeam(team) {
      await sql.execute([insert("dheera_teams", TEAM_COLUMNS, teamValues(team))]);
    },
    async replaceTeam(team) {
      const [changed] = await sql.execute([replace("dheera_teams", TEAM_COLUMNS, "team_id", teamValues(team))]);
      return changed === 1;
    },
    async deleteTeams(teamIds) {
      const list = placeholders(teamIds.length);
      const [, n] = await sql.execute([
        { sql: `DELETE FROM dheera_keys WHERE team_id IN (${list})`, params: [...teamIds] },
        { sql: `DELETE FROM dheera_teams WHERE team_id IN (${list})`, params: [...teamIds] },
      ]);
      return n ?? 0;
    },
    async spent(kind, id, from) {
      const column = kind === "key" ? "key_id" : "team_id";
      const [row] = await sql.query<{ spent: unknown }>(
        `SELECT COALESCE(SUM(cost), 0) AS spent FROM spend_logs WHERE ${column} = ?${from === undefined ? "" : " AND created_at >= ?"}`,
        from === undefined ? [id] : [id, from],
      );
      return Number(row?.spent ?? 0);
    },
  };
}

function limitValues(r: KeyRecord | TeamRecord): SqlValue[] {
  return [
    JSON.stringify(r.models),
    r.max_budget,
    r.budget_duration,
    r.budget_anchor,
    r.rpm_limit,
    r.tpm_limit,
    r.max_parallel_requests,
    r.blocked ? 1 : 0,
    JSON.stringify(r.metadata),
    r.created_at,
    r.updated_at,
  ];
}

const keyValues = (k: KeyRecord): SqlValue[] => [k.key_id, k.token, k.key_name, k.key_alias, k.team_id, k.user_id, k.expires, ...limitValues(k)];
const teamValues = (t: TeamRecord): SqlValue[] => [t.team_id, t.team_alias, ...limitValues(t)];

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function limitsOfRow(row: Record<string, unknown>) {
  return {
    models: JSON.parse(String(row.models)) as string[],
    max_budget: num(row.max_budget),
    budget_duration: str(row.budget_duration),
    budget_anchor: String(row.budget_anchor),
    rpm_limit: num(row.rpm_limit),
    tpm_limit: num(row.tpm_limit),
    max_parallel_requests: num(row.max_parallel_requests),
    blocked: Number(row.blocked) === 1,
    metadata: JSON.parse(String(row.metadata)) as Record<string, unknown>,
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

function keyOfRow(row: Record<string, unknown>): KeyRecord {
  return {
    key_id: String(row.key_id),
    token: String(row.token),
    key_name: String(row.key_name),
    key_alias: str(row.key_alias),
    team_id: str(row.team_id),
    user_id: str(row.user_id),
    expires: str(row.expires),
    ...limitsOfRow(row),
  };
}

function teamOfRow(row: Record<string, unknown>): TeamRecord {
  return { team_id: String(row.team_id), team_alias: str(row.team_alias), ...limitsOfRow(row) };
}
