import { describe, expect, it } from "vitest";
import { DeploymentHealth } from "./deployment-health.js";
import { deploymentRouting } from "./router-settings.js";
import { createPicker } from "./routing-strategies.js";

const target = (name: string, inFlight = 0) => {
  const health = new DeploymentHealth({ allowedFails: 3, cooldownMs: 5000, maxRetryWaitMs: 10_000, canCoolDown: true });
  health.inFlight = inFlight;
  return { name, health, routing: deploymentRouting() };
};
const context = { stream: false, now: 0 };

describe("routing strategies", () => {
  it("least-busy picks the deployment with the fewest requests in flight", () => {
    const pick = createPicker<ReturnType<typeof target>>("least-busy");
    const list = [target("a", 3), target("b", 1), target("c", 2)];
    for (let i = 0; i < 5; i++) expect(pick(list, context).name).toBe("b");
  });

  it("rotates over idle deployments, and round-robin always rotates", () => {
    const idle = [target("a"), target("b")];
    const least = createPicker<ReturnType<typeof target>>("least-busy");
    expect([1, 2, 3, 4].map(() => least(idle, context).name)).toEqual(["a", "b", "a", "b"]);
    const rr = createPicker<ReturnType<typeof target>>("round-robin");
    const busy = [target("a", 9), target("b", 0)];
    expect([1, 2, 3].map(() => rr(busy, context).name)).toEqual(["a", "b", "a"]);
  });
});
