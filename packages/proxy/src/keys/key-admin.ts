import { randomUUID } from "node:crypto";
import { DheeraError, InvalidRequestError, NotFoundError } from "@dheera/core";
import { parseDuration, addDuration } from "./duration.js";
import type { KeyCache } from "./key-cache.js";
import { budgetPeriod } from "./key-identity.js";
import type { KeyGenerateRequest, KeyRecord, KeyUpdateRequest, TeamNewRequest, TeamRecord, TeamUpdateRequest } from "./key-records.js";
import { keyNameOf, newKeySecret, tokenOf, tokenOfReference } from "./key-secret.js";
import type { KeyListFilter, KeyStore } from "./key-store.js";

/** A key or team as /key/info and /team/info show it: the record and its spend in the current budget period. */
export type WithSpend<T> = T & { spend: number; budget_reset_at: string | null; budget_remaining: number | null };

/**
 * The admin operations on virtual keys and teams (LiteLLM's /key/* and /team/* semantics),
 * checked against the configured model names. Every write goes to the database first and then
 * refreshes this replica's key cache at once; the other replicas see it within a second.
 */
export class KeyAdmin {
  constructor(
    readonly store: KeyStore,
    readonly cache: KeyCache,
    private readonly modelNames: ReadonlySet<string>,
  ) {}

  async generate(req: KeyGenerateRequest, now = Date.now()): Promise<{ key: string; record: KeyRecord }> {
    const key = req.key ?? newKeySecret();
    const token = tokenOf(key);
    if (await this.store.keyByToken(token)) throw conflict("This key already exists; choose another (or leave 'key' out to have one generated).", "key");
    const iso = new Date(now).toISOString();
    const team = await this.#teamFor(req.team_id ?? null);
    const record: KeyRecord = {
      key_id: `key_${randomUUID().replace(/-/g, "")}`,
      token,
      key_name: keyNameOf(key),
      key_alias: req.key_alias ?? null,
      team_id: team?.team_id ?? null,
      user_id: req.user_id ?? null,
      expires: expiresOf(req.duration ?? null, now),
      ...newLimits(req, iso),
    };
    this.#checkModels(record.models, team);
    await this.#checkAlias(record.key_alias, undefined);
    await this.#write(() => this.store.insertKey(record));
    return { key, record };
  }

  /** A key named by the key itself, its token, or (where allowed) its alias; 404 when unknown. */
  async key(reference: string): Promise<KeyRecord> {
    const found = (await this.store.keyByToken(tokenOfReference(reference))) ?? (await this.store.keyByAlias(reference));
    if (!found) throw new NotFoundError("No such key (give the key, its token or its key_alias).", { param: "key", code: "key_not_found" });
    return found;
  }

  async info(reference: string, now = Date.now()): Promise<WithSpend<KeyRecord>> {
    return this.#withSpend("key", await this.key(reference), now);
  }

  /** `secret`: a new key's token and name (regenerate), in the same write. */
  async update(req: Omit<KeyUpdateRequest, "key">, current: KeyRecord, now = Date.now(), secret?: Pick<KeyRecord, "token" | "key_name">): Promise<KeyRecord> {
    const team = req.team_id !== undefined ? await this.#teamFor(req.team_id) : current.team_id ? ((await this.store.team(current.team_id)) ?? null) : null;
    const next: KeyRecord = {
      ...current,
      ...pick(req, ["key_alias", "user_id", "models", "max_budget", "rpm_limit", "tpm_limit", "max_parallel_requests", "blocked"]),
      team_id: team?.team_id ?? null,
      metadata: req.metadata === undefined ? current.metadata : (req.metadata ?? {}),
      expires: req.duration === undefined ? current.expires : expiresOf(req.duration, now),
      updated_at: new Date(now).toISOString(),
      ...budgetChange(current, req.budget_duration, now),
      ...secret,
    };
    this.#checkModels(next.models, team);
    await this.#checkAlias(next.key_alias, current.key_id);
    await this.#write(async () => {
      if (!(await this.store.replaceKey(next))) throw new NotFoundError("The key was deleted meanwhile.", { param: "key", code: "key_not_found" });
    });
    return next;
  }

  /** A new secret for the same key (same key_id, limits, spend and budget); the old one stops working at once. */
  async regenerate(current: KeyRecord, changes: Omit<KeyUpdateRequest, "key">, newKey: string | undefined, now = Date.now()): Promise<{ key: string; record: KeyRecord }> {
    const key = newKey ?? newKeySecret();
    const token = tokenOf(key);
    if (await this.store.keyByToken(token)) throw conflict("This key already exists; choose another new_key.", "new_key");
    return { key, record: await this.update(changes, current, now, { token, key_name: keyNameOf(key) }) };
  }

  async delete(references: readonly string[], aliases: readonly string[]): Promise<KeyRecord[]> {
    const found: KeyRecord[] = [];
    const missing: string[] = [];
    for (const ref of references) {
      const key = await this.store.keyByToken(tokenOfReference(ref));
      if (key) found.push(key);
      else missing.push(ref.startsWith("sk-") ? keyNameOf(ref) : ref);
    }
    for (const alias of aliases) {
      const key = await this.store.keyByAlias(alias);
      if (key) found.push(key);
      else missing.push(`key_alias '${alias}'`);
    }
    // All or nothing: a typo in one name deletes none, so the admin can fix and repeat.
    if (missing.length > 0) throw new NotFoundError(`No such key: ${missing.join(", ")}. Nothing was deleted.`, { param: "keys", code: "key_not_found" });
    await this.#write(() => this.store.deleteKeys([...new Set(found.map((k) => k.key_id))]));
    return found;
  }

  list(filter: KeyListFilter, offset: number, limit: number) {
    return this.store.listKeys(filter, offset, limit);
  }

  async newTeam(req: TeamNewRequest, now = Date.now()): Promise<TeamRecord> {
    const teamId = req.team_id ?? `team_${randomUUID().replace(/-/g, "")}`;
    if (await this.store.team(teamId)) throw conflict(`A team with team_id '${teamId}' already exists.`, "team_id");
    const iso = new Date(now).toISOString();
    const team: TeamRecord = {
      team_id: teamId,
      team_alias: req.team_alias ?? null,
      ...newLimits(req, iso),
    };
    this.#checkModels(team.models, null);
    await this.#write(() => this.store.insertTeam(team));
    return team;
  }

  async team(teamId: string): Promise<TeamRecord> {
    const team = await this.store.team(teamId);
    if (!team) throw new NotFoundError(`No team with team_id '${teamId.slice(0, 64)}'.`, { param: "team_id", code: "team_not_found" });
    return team;
  }

  async teamInfo(teamId: string, now = Date.now()): Promise<{ team: WithSpend<TeamRecord>; keys: KeyRecord[] }> {
    const team = await this.team(teamId);
    const [withSpend, keys] = await Promise.all([this.#withSpend("team", team, now), this.store.keysOfTeam(teamId)]);
    return { team: withSpend, keys };
  }

  async updateTeam(req: TeamUpdateRequest, now = Date.now()): Promise<TeamRecord> {
    const current = await this.team(req.team_id);
    const next: TeamRecord = {
      ...current,
      ...pick(req, ["team_alias", "models", "max_budget", "rpm_limit", "tpm_limit", "max_parallel_requests", "blocked"]),
      metadata: req.metadata === undefined ? current.metadata : (req.metadata ?? {}),
      updated_at: new Date(now).toISOString(),
      ...budgetChange(current, req.budget_duration, now),
    };
    this.#checkModels(next.models, null);
    await this.#write(async () => {
      if (!(await this.store.replaceTeam(next))) throw new NotFoundError("The team was deleted meanwhile.", { param: "team_id", code: "team_not_found" });
    });
    return next;
  }

  async deleteTeams(teamIds: readonly string[]): Promise<void> {
    const missing: string[] = [];
    for (const id of teamIds) if (!(await this.store.team(id))) missing.push(id);
    if (missing.length > 0) throw new NotFoundError(`No such team: ${missing.join(", ")}. Nothing was deleted.`, { param: "team_ids", code: "team_not_found" });
    await this.#write(() => this.store.deleteTeams(teamIds));
  }

  listTeams(): Promise<TeamRecord[]> {
    return this.store.listTeams();
  }

  async #withSpend<T extends KeyRecord | TeamRecord>(kind: "key" | "team", record: T, now: number): Promise<WithSpend<T>> {
    const { start, end } = budgetPeriod(record, now);
    const id = kind === "key" ? (record as KeyRecord).key_id : record.team_id!;
    const spend = Number((await this.store.spent(kind, id, start === undefined ? undefined : new Date(start).toISOString())).toPrecision(12));
    return {
      ...record,
      spend,
      budget_reset_at: end === undefined ? null : new Date(end).toISOString(),
      budget_remaining: record.max_budget === null ? null : Number(Math.max(0, record.max_budget - spend).toPrecision(12)),
    };
  }

  async #teamFor(teamId: string | null): Promise<TeamRecord | null> {
    if (teamId === null) return null;
    const team = await this.store.team(teamId);
    if (!team) throw new InvalidRequestError(`No team with team_id '${teamId.slice(0, 64)}': create it with POST /team/new first.`, { param: "team_id", code: "team_not_found" });
    return team;
  }

  #checkModels(models: readonly string[], team: TeamRecord | null): void {
    const unknown = models.filter((m) => !this.modelNames.has(m));
    if (unknown.length > 0) {
      throw new InvalidRequestError(`Unknown model_name: ${unknown.slice(0, 10).join(", ")}. Configured: ${[...this.modelNames].join(", ")}.`, { param: "models", code: "model_not_found" });
    }
    // A key without a list of its own calls its team's models.
    if (team && team.models.length > 0) {
      const outside = models.filter((m) => !team.models.includes(m));
      if (outside.length > 0) {
        throw new InvalidRequestError(`The key's models must be within its team's (${team.models.join(", ")}); not: ${outside.join(", ")}.`, { param: "models", code: "model_not_allowed_for_team" });
      }
    }
  }

  async #checkAlias(alias: string | null, keyId: string | undefined): Promise<void> {
    if (alias === null) return;
    const holder = await this.store.keyByAlias(alias);
    if (holder && holder.key_id !== keyId) throw conflict(`key_alias '${alias}' is already used by another key.`, "key_alias");
  }

  /** The write, then this replica's cache at once; a unique-constraint race becomes the same 400 as the check before it. */
  async #write(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("A key with this key_alias or secret, or a team with this team_id, already exists.", null);
      throw err;
    }
    await this.cache.checkAfterWrite().catch(() => undefined);
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

/** A changed budget_duration starts a new period now (LiteLLM resets the budget then too). */
function budgetChange(current: KeyRecord | TeamRecord, duration: string | null | undefined, now: number): { budget_duration?: string | null; budget_anchor?: string } {
  if (duration === undefined || duration === current.budget_duration) return {};
  return { budget_duration: checkedBudgetDuration(duration), budget_anchor: new Date(now).toISOString() };
}

function checkedBudgetDuration(text: string | null): string | null {
  if (text !== null) parseDuration(text, "budget_duration");
  return text;
}

function expiresOf(duration: string | null, now: number): string | null {
  return duration === null ? null : new Date(addDuration(now, parseDuration(duration, "duration"))).toISOString();
}

function conflict(message: string, param: string | null): DheeraError {
  return new InvalidRequestError(message, { param, code: "already_exists" });
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** A new key's or team's limits, budget period and timestamps: what was asked, or none. */
function newLimits(req: TeamNewRequest | KeyGenerateRequest, iso: string): Omit<TeamRecord, "team_id" | "team_alias"> {
  return {
    models: req.models ?? [],
    max_budget: req.max_budget ?? null,
    budget_duration: checkedBudgetDuration(req.budget_duration ?? null),
    budget_anchor: iso,
    rpm_limit: req.rpm_limit ?? null,
    tpm_limit: req.tpm_limit ?? null,
    max_parallel_requests: req.max_parallel_requests ?? null,
    blocked: req.blocked ?? false,
    metadata: req.metadata ?? {},
    created_at: iso,
    updated_at: iso,
  };
}
