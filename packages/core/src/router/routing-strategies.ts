import type { DeploymentHealth } from "./deployment-health.js";
import type { DeploymentRouting, RoutingStrategy } from "./router-settings.js";

/** What a strategy reads of a deployment. */
export interface Candidate {
  readonly routing: DeploymentRouting;
  readonly health: DeploymentHealth;
}

/** Picks one of `candidates` (never empty; all available now) for a request. */
export type Picker<C extends Candidate> = (candidates: readonly C[], context: { stream: boolean; now: number }) => C;

/**
 * One picker per model group (they keep a rotation counter). Every strategy breaks ties by
 * rotation, so an idle group still spreads its requests.
 */
export function createPicker<C extends Candidate>(strategy: RoutingStrategy, random: () => number = Math.random): Picker<C> {
  let next = 0;
  const rotate = (n: number) => {
    const start = next++ % n;
    if (next > Number.MAX_SAFE_INTEGER - 1) next = 0;
    return start;
  };
  const lowest = (candidates: readonly C[], score: (c: C) => number): C => {
    const n = candidates.length;
    const start = rotate(n);
    let best = candidates[start]!;
    let bestScore = score(best);
    for (let i = 1; i < n; i++) {
      const c = candidates[(start + i) % n]!;
      const s = score(c);
      if (s < bestScore) {
        best = c;
        bestScore = s;
      }
    }
    return best;
  };

  switch (strategy) {
    case "round-robin":
      return (candidates) => candidates[rotate(candidates.length)]!;
    case "least-busy":
      return (candidates) => (candidates.length === 1 ? candidates[0]! : lowest(candidates, (c) => c.health.inFlight));
    case "simple-shuffle":
      return (candidates) => (candidates.length === 1 ? candidates[0]! : weightedRandom(candidates, random));
    case "latency-based-routing":
      // A deployment not measured yet goes first (-1), so every one gets measured.
      return (candidates, { stream }) =>
        candidates.length === 1 ? candidates[0]! : lowest(candidates, (c) => (stream ? (c.health.ttftMs ?? c.health.latencyMs) : c.health.latencyMs) ?? -1);
    case "usage-based-routing":
      return (candidates, { now }) => (candidates.length === 1 ? candidates[0]! : lowest(candidates, (c) => utilisation(c, now)));
  }
}

/**
 * Weighted by `weight` (1 where a deployment has none), else by `rpm`, else by `tpm` (the
 * others' average where one has none), else evenly.
 */
function weightedRandom<C extends Candidate>(candidates: readonly C[], random: () => number): C {
  const key = candidates.some((c) => c.routing.weight !== undefined)
    ? "weight"
    : candidates.some((c) => c.routing.rpm !== undefined)
      ? "rpm"
      : candidates.some((c) => c.routing.tpm !== undefined)
        ? "tpm"
        : undefined;
  if (key === undefined) return candidates[Math.floor(random() * candidates.length)]!;
  let known = 0;
  let count = 0;
  for (const c of candidates) {
    const v = c.routing[key];
    if (v !== undefined) {
      known += v;
      count++;
    }
  }
  const fallback = key === "weight" ? 1 : known / count;
  const weightOf = (c: C) => c.routing[key] ?? fallback;
  let total = 0;
  for (const c of candidates) total += weightOf(c);
  let r = random() * total;
  for (const c of candidates) {
    r -= weightOf(c);
    if (r < 0) return c;
  }
  return candidates[candidates.length - 1]!;
}

/** The larger share of its rpm / tpm a deployment used this minute; without limits, its raw use. */
function utilisation(c: Candidate, now: number): number {
  const { requests, tokens } = c.health.usage(now);
  const { rpm, tpm } = c.routing;
  if (rpm === undefined && tpm === undefined) return tokens > 0 ? tokens : requests;
  return Math.max(rpm ? requests / rpm : 0, tpm ? tokens / tpm : 0);
}

/** Usage-based routing leaves out a deployment that reached its rpm or tpm this minute. */
export function withinLimits(c: Candidate, now: number): boolean {
  const { rpm, tpm } = c.routing;
  if (rpm === undefined && tpm === undefined) return true;
  const { requests, tokens } = c.health.usage(now);
  return (rpm === undefined || requests < rpm) && (tpm === undefined || tokens < tpm);
}
