import { createRequire } from "node:module";
import { afterEach, describe, expect, it, vi } from "vitest";
import { catalogLoaded, catalogPrice } from "./catalog-price.js";

const require = createRequire(import.meta.url);
const inModuleCache = () => require.resolve("@pydantic/genai-prices") in require.cache;

describe("catalogPrice", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("prices a model from the database, then lets the database go a second after the last lookup", () => {
    vi.useFakeTimers();
    const found = catalogPrice("gpt-4o-mini", { provider: "azure" });
    expect(found?.price.input_cost_per_token).toBeGreaterThan(0);
    expect(found?.price.output_cost_per_token).toBeGreaterThan(found!.price.input_cost_per_token);
    expect(found?.source).toMatch(/^genai-prices:/);
    expect(catalogLoaded()).toBe(true);
    expect(inModuleCache()).toBe(true);

    // Each lookup restarts the clock: a config's deployments are priced in one burst.
    vi.advanceTimersByTime(900);
    catalogPrice("gpt-4.1", { provider: "azure" });
    vi.advanceTimersByTime(900);
    expect(catalogLoaded()).toBe(true);

    vi.advanceTimersByTime(200);
    expect(catalogLoaded()).toBe(false);
    // Node's module cache no longer holds it either (nothing keeps its 2 MB alive).
    expect(inModuleCache()).toBe(false);

    // A name already looked up is answered without loading the database again.
    expect(catalogPrice("gpt-4o-mini", { provider: "azure" })).toEqual(found);
    expect(catalogLoaded()).toBe(false);

    // A new name (a model added at run time) loads it again, with the same answers.
    const later = catalogPrice("gpt-4o", { provider: "azure" });
    expect(later?.price.input_cost_per_token).toBeGreaterThan(0);
    expect(catalogLoaded()).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(catalogLoaded()).toBe(false);
  });

  it("says nothing for a name the database does not know", () => {
    expect(catalogPrice("no-such-model-anywhere", { provider: "azure" })).toBeUndefined();
  });
});
