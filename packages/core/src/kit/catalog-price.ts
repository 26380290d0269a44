import { createRequire } from "node:module";
import type { PriceEntry } from "../cost/price-entry.js";

/**
 * Prices from a maintained price database, `@pydantic/genai-prices` (OpenAI, Azure, Anthropic,
 * Google and more, with price history), as core's `PriceEntry`. Loaded on first use, not at
 * import, and let go of a second after the last lookup: the database is 2 MB of heap (its 1 MB
 * source among it), a provider resolves a deployment once, and a proxy would otherwise carry it
 * for its whole life. A lookup after that (a model added at run time) loads it again.
 */

type GenaiPrices = typeof import("@pydantic/genai-prices");
type ModelPrice = NonNullable<ReturnType<GenaiPrices["calcPrice"]>>["model_price"];

export interface CatalogPrice {
  price: PriceEntry;
  /** Who priced it: `genai-prices:<provider>`, the provider whose price list it is. */
  source: string;
  /** The database's model id the name matched (`gpt-4o` for `gpt-4o-2024-08-06`). */
  model: string;
  /** The price is another provider's list price the database falls back to (OpenAI's for an OpenAI model on Azure). */
  fallback: boolean;
}

const PACKAGE = "@pydantic/genai-prices";
/** How long the database stays loaded after the last lookup, ms (a config's deployments are priced in a burst). */
const RELEASE_AFTER_MS = 1000;

let loaded: { library: GenaiPrices; release: () => void } | undefined;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;
const cache = new Map<string, CatalogPrice | null>();

function loadLibrary(): GenaiPrices {
  if (!loaded) {
    // A require function of its own, dropped on release with the module's cache entry: the two
    // things that keep a loaded module (the cache and the requiring module's `children`).
    const load = createRequire(import.meta.url);
    const id = load.resolve(PACKAGE);
    loaded = {
      library: load(PACKAGE) as GenaiPrices,
      release: () => {
        loaded = undefined;
        delete load.cache[id];
      },
    };
  }
  clearTimeout(releaseTimer);
  releaseTimer = setTimeout(() => loaded?.release(), RELEASE_AFTER_MS);
  // Never what keeps a process alive.
  releaseTimer.unref?.();
  return loaded.library;
}

/** Whether the price database is loaded now (it is let go of after use). */
export function catalogLoaded(): boolean {
  return loaded !== undefined;
}

/**
 * The price of `model` at `provider` (`openai`, `azure`, ...) today, or undefined when the
 * database does not know it or gives no input and output price. Tiered prices (by context
 * length) are taken at their base tier: a PriceEntry has no tiers, and the base tier is what
 * most requests pay.
 */
export function catalogPrice(model: string, { provider, at }: { provider: string; at?: Date }): CatalogPrice | undefined {
  const key = `${provider}\u0000${model}\u0000${at?.toISOString() ?? ""}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const found = lookUp(model, provider, at);
  cache.set(key, found ?? null);
  return found;
}

function lookUp(model: string, provider: string, at: Date | undefined): CatalogPrice | undefined {
  const lib = loadLibrary();
  let result: ReturnType<GenaiPrices["calcPrice"]>;
  try {
    result = lib.calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId: provider, ...(at ? { timestamp: at } : {}) });
  } catch {
    return undefined;
  }
  if (!result) return undefined;
  const price = toPriceEntry(result.model_price);
  if (!price) return undefined;
  const own = result.provider.models.includes(result.model);
  const owner = own ? result.provider.id : fallbackOwner(lib, result.model, result.provider.fallback_model_providers ?? []);
  return { price, source: `genai-prices:${owner}`, model: result.model.id, fallback: !own };
}

function fallbackOwner(lib: GenaiPrices, model: { id: string }, providers: readonly string[]): string {
  for (const id of providers) if (lib.findProvider({ providerId: id })?.models.some((m) => m.id === model.id)) return id;
  return providers[0] ?? "unknown";
}

const PER_MTOK = 1e6;

function toPriceEntry(prices: ModelPrice): PriceEntry | undefined {
  const perToken = (value: unknown): number | undefined => {
    const mtok = typeof value === "number" ? value : typeof value === "object" && value !== null && typeof (value as { base?: unknown }).base === "number" ? (value as { base: number }).base : undefined;
    return mtok === undefined ? undefined : mtok / PER_MTOK;
  };
  const input = perToken(prices.input_mtok);
  const output = perToken(prices.output_mtok);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = perToken(prices.cache_read_mtok);
  const cacheWrite = perToken(prices.cache_write_mtok);
  return {
    input_cost_per_token: input,
    output_cost_per_token: output,
    ...(cacheRead !== undefined ? { cache_read_input_token_cost: cacheRead } : {}),
    ...(cacheWrite !== undefined ? { cache_creation_input_token_cost: cacheWrite } : {}),
  };
}
