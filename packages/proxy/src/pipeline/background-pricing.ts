import { normalizeUsage } from "@dheera/core";
import type { SqlRunner } from "../spend/sql-runner.js";
import type { CallRecord } from "./call-record.js";

/**
 * Background responses are billed once, by the first request that sees one finished (a
 * retrieve, a replayed stream, a cancel, or the create's own stream): the create answers
 * `queued` with no usage, and every later retrieve shows the same usage again. The first sight
 * claims the response id in the proxy's database (`priced_responses`), so replicas sharing it
 * bill once between them; without a database (disable_spend_logs) each process remembers the
 * last ids it billed.
 */
export interface BackgroundPricing {
  /** True for the first claim of `responseId`, false for every later one. */
  claim(responseId: string): Promise<boolean>;
}

const CLAIM_SQL = "INSERT INTO priced_responses (response_id, priced_at) VALUES (?, ?) ON CONFLICT (response_id) DO NOTHING";
/** Ids a process without a database remembers (the oldest are forgotten first). */
const REMEMBERED = 100_000;

export function createBackgroundPricing(sql: SqlRunner | undefined): BackgroundPricing {
  if (sql) {
    return {
      claim: async (responseId) => (await sql.execute([{ sql: CLAIM_SQL, params: [responseId, new Date().toISOString()] }]))[0] === 1,
    };
  }
  const seen = new Set<string>();
  return {
    claim: async (responseId) => {
      if (seen.has(responseId)) return false;
      seen.add(responseId);
      if (seen.size > REMEMBERED) seen.delete(seen.values().next().value!);
      return true;
    },
  };
}

const FINISHED = new Set(["completed", "incomplete", "failed", "cancelled"]);

/**
 * A stored response as a retrieve or cancel answered it: when it is a finished background
 * response with usage and this is the first sight of it, the call carries its usage and cost.
 */
export async function billFinishedBackground(
  pricing: BackgroundPricing,
  call: CallRecord,
  response: { id: string; background?: unknown; status?: unknown; usage?: unknown },
): Promise<void> {
  if (response.background !== true || !FINISHED.has(response.status as string)) return;
  const usage = normalizeUsage(response.usage);
  if (!usage || !(await pricing.claim(response.id))) return;
  call.usage = usage;
  call.bills = true;
}

/**
 * A call whose own answer showed a background response finished, with usage (its create, JSON or
 * streamed, or a replayed stream): billed when this is the first sight of it, else it counts nothing.
 */
export async function billBackgroundAnswer(pricing: BackgroundPricing, call: CallRecord): Promise<void> {
  if (!call.usage || call.responseId === null) return;
  call.bills = await pricing.claim(call.responseId);
  if (!call.bills) call.usage = null;
}
