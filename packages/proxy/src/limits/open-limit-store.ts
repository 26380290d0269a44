import type { LimitStore } from "./limit-store.js";
import { MemoryLimitStore } from "./memory-limit-store.js";
import type { RedisLimitStoreOptions } from "./redis-limit-store.js";

export interface LimitStoreSettings extends Omit<RedisLimitStoreOptions, "prefix" | "failureMode"> {
  redisUrl: string | undefined;
  prefix?: string | undefined;
  failureMode?: RedisLimitStoreOptions["failureMode"] | undefined;
}

/** In-process counters, or shared ones in Redis when a URL is configured (ioredis is loaded only then). */
export async function openLimitStore(settings: LimitStoreSettings): Promise<LimitStore> {
  if (settings.redisUrl === undefined) return new MemoryLimitStore();
  const { openRedisLimitStore } = await import("./redis-limit-store.js");
  return openRedisLimitStore(settings.redisUrl, {
    prefix: settings.prefix ?? "dheera:",
    failureMode: settings.failureMode ?? "fail_open",
    warn: settings.warn,
    info: settings.info,
  });
}
