import { AuthenticationError } from "@dheera/core";
import type { BudgetLimit, LimitSubject } from "../limits/limit-store.js";
import { parseDuration, periodAt } from "./duration.js";
import type { KeyCache } from "./key-cache.js";
import type { KeyRecord, TeamRecord } from "./key-records.js";
import type { KeyStore } from "./key-store.js";

/** A request made with a virtual key: the key, its team, and what its calls count against. */
export interface VirtualKeyIdentity {
  readonly kind: "virtual";
  readonly key: KeyRecord;
  readonly team: TeamRecord | null;
  /** model_names the key may call (the key's list within its team's); null = all. */
  readonly allowedModels: ReadonlySet<string> | null;
  /** The key's and the team's limits; empty when neither has any. */
  readonly subjects: readonly LimitSubject[];
  /** When `subjects` must be rebuilt (a budget period ends), ms since the epoch. */
  readonly validUntil: number;
}

export type Identity = { readonly kind: "open" } | { readonly kind: "master" } | VirtualKeyIdentity;

const FOREVER = 8.64e15;

/**
 * Identities derived from the key cache, built once per key and cache generation (and budget
 * period), so a request with a virtual key allocates nothing to be authenticated.
 */
export class KeyIdentities {
  #built = new Map<string, VirtualKeyIdentity>();
  #generation = -1;

  constructor(
    private readonly cache: KeyCache,
    private readonly store: KeyStore,
  ) {}

  /** The identity of a key's token, or a 401 for an unknown, blocked or expired key. */
  resolve(token: string, now: number): VirtualKeyIdentity | Promise<VirtualKeyIdentity> {
    const found = this.#known(token, now);
    if (found !== undefined) return found;
    return this.cache.lookAgain(token).then(() => this.#known(token, now) ?? invalidKey());
  }

  /** A key the cache knows (even a blocked one): for routes that only need to tell keys apart. */
  isKnown(token: string): boolean {
    return this.cache.key(token) !== undefined;
  }

  #known(token: string, now: number): VirtualKeyIdentity | undefined {
    if (this.#generation !== this.cache.generation) {
      this.#built.clear();
      this.#generation = this.cache.generation;
    }
    let identity = this.#built.get(token);
    if (identity === undefined || identity.validUntil <= now) {
      const key = this.cache.key(token);
      if (key === undefined) return undefined;
      identity = this.#build(key, now);
      this.#built.set(token, identity);
    }
    check(identity, now);
    return identity;
  }

  #build(key: KeyRecord, now: number): VirtualKeyIdentity {
    const team = key.team_id === null ? null : (this.cache.team(key.team_id) ?? null);
    const subjects: LimitSubject[] = [];
    let validUntil = key.expires === null ? FOREVER : Date.parse(key.expires);
    const add = (kind: "key" | "team", id: string, label: string, r: KeyRecord | TeamRecord) => {
      const budget = budgetOf(this.store, kind, id, r, now);
      if (budget) validUntil = Math.min(validUntil, budget.periodEnd);
      if (r.rpm_limit === null && r.tpm_limit === null && r.max_parallel_requests === null && budget === null) return;
      subjects.push({ id: `${kind}:${id}`, label, rpm: r.rpm_limit, tpm: r.tpm_limit, maxParallel: r.max_parallel_requests, budget });
    };
    add("key", key.key_id, key.key_alias ? `key '${key.key_alias}'` : `key ${key.key_name}`, key);
    if (team) add("team", team.team_id, `team '${team.team_alias ?? team.team_id}'`, team);
    return { kind: "virtual", key, team, allowedModels: allowedModels(key, team), subjects, validUntil };
  }
}

function check(identity: VirtualKeyIdentity, now: number): void {
  const { key, team } = identity;
  if (key.blocked) throw new AuthenticationError(`Authentication Error, the key ${describeKey(key)} is blocked.`, { code: "invalid_api_key" });
  if (key.expires !== null && Date.parse(key.expires) <= now) {
    throw new AuthenticationError(`Authentication Error, the key ${describeKey(key)} expired at ${key.expires} (now ${new Date(now).toISOString()}).`, {
      code: "invalid_api_key",
    });
  }
  if (team?.blocked) throw new AuthenticationError(`Authentication Error, the team '${team.team_alias ?? team.team_id}' of this key is blocked.`, { code: "invalid_api_key" });
}

export function invalidKey(): never {
  // Never echo the presented key: it may be a real key sent to the wrong place.
  throw new AuthenticationError("Authentication Error, Invalid proxy server token passed.", { code: "invalid_api_key" });
}

const describeKey = (key: KeyRecord) => (key.key_alias ? `'${key.key_alias}'` : key.key_name);

/** The key's models within the team's: empty lists mean all. */
function allowedModels(key: KeyRecord, team: TeamRecord | null): ReadonlySet<string> | null {
  const own = key.models.length > 0 ? key.models : null;
  const teams = team && team.models.length > 0 ? team.models : null;
  if (own && teams) return new Set(own.filter((m) => teams.includes(m)));
  const list = own ?? teams;
  return list ? new Set(list) : null;
}

/** The budget of the current period, or null without max_budget. */
export function budgetOf(store: KeyStore, kind: "key" | "team", id: string, r: KeyRecord | TeamRecord, now: number): BudgetLimit | null {
  if (r.max_budget === null) return null;
  const { start, end } = budgetPeriod(r, now);
  const from = start === undefined ? undefined : new Date(start).toISOString();
  return { max: r.max_budget, periodStart: start ?? 0, periodEnd: end ?? FOREVER, spentInDatabase: () => store.spent(kind, id, from) };
}

/** The budget period holding `now`; no bounds without budget_duration (the budget is for ever). */
export function budgetPeriod(r: KeyRecord | TeamRecord, now: number): { start: number | undefined; end: number | undefined } {
  if (r.budget_duration === null) return { start: undefined, end: undefined };
  const { start, end } = periodAt(Date.parse(r.budget_anchor), parseDuration(r.budget_duration, "budget_duration"), now);
  return { start, end };
}
