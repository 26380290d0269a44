/** Spreads requests over the deployments of one model_name. */

export type RoutingStrategy = "least-busy" | "round-robin";

export interface Balanced {
  inFlight: number;
}

/**
 * `least-busy` picks the deployment with the fewest requests in flight on this process and
 * breaks ties round-robin, so an idle group still rotates; `round-robin` just rotates.
 */
export function createPicker<T extends Balanced>(strategy: RoutingStrategy): (candidates: readonly T[]) => T | undefined {
  let next = 0;
  return (candidates) => {
    const n = candidates.length;
    if (n === 0) return undefined;
    if (n === 1) return candidates[0];
    const start = next++ % n;
    if (next > Number.MAX_SAFE_INTEGER - 1) next = 0;
    if (strategy === "round-robin") return candidates[start];
    let best = candidates[start]!;
    for (let i = 1; i < n; i++) {
      const c = candidates[(start + i) % n]!;
      if (c.inFlight < best.inFlight) best = c;
    }
    return best;
  };
}
