import type { BudgetLeft } from "../observability/proxy-metrics.js";
import type { LimitStore } from "../limits/limit-store.js";
import type { KeyCache } from "./key-cache.js";
import { budgetOf } from "./key-identity.js";
import type { KeyRecord, TeamRecord } from "./key-records.js";
import type { KeyStore } from "./key-store.js";

/**
 * USD left in the current period of every key and team with a budget, as admission counts it
 * (so with Redis, what every replica sees). Read when metrics are scraped, never per request.
 */
export async function budgetsLeft(cache: KeyCache, store: KeyStore, limits: LimitStore, now = Date.now()): Promise<{ keys: BudgetLeft[]; teams: BudgetLeft[] }> {
  const { keys, teams } = cache.all();
  const leftOf = async (kind: "key" | "team", id: string, r: KeyRecord | TeamRecord): Promise<{ remaining: number; max: number } | undefined> => {
    const budget = budgetOf(store, kind, id, r, now);
    if (budget === null) return undefined;
    const spent = await limits.budgetSpent({ id: `${kind}:${id}`, label: id, rpm: null, tpm: null, maxParallel: null, budget }).catch(() => null);
    return spent === null ? undefined : { remaining: Math.max(0, budget.max - spent), max: budget.max };
  };
  const [keyRows, teamRows] = await Promise.all([
    Promise.all(
      [...keys].map(async (k) => {
        const left = await leftOf("key", k.key_id, k);
        return left && { name: k.key_alias ?? k.key_name, teamId: k.team_id, ...left };
      }),
    ),
    Promise.all(
      [...teams].map(async (t) => {
        const left = await leftOf("team", t.team_id, t);
        return left && { name: t.team_id, teamId: t.team_id, teamAlias: t.team_alias, ...left };
      }),
    ),
  ]);
  return { keys: keyRows.filter((r) => r !== undefined), teams: teamRows.filter((r) => r !== undefined) };
}
