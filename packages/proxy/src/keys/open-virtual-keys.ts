import type { Logger } from "../logging/logger.js";
import type { SpendStore } from "../spend/spend-store.js";
import { KeyAdmin } from "./key-admin.js";
import { KeyCache } from "./key-cache.js";
import { KeyIdentities } from "./key-identity.js";
import { createKeyStore } from "./key-store.js";

/**
 * Virtual keys on the spend store's database (none when spend logs are disabled). The cache is
 * loaded before the proxy serves; a database that cannot be read at start (PostgreSQL down) is
 * logged and retried every second, and meanwhile only the master key works.
 */
export async function openVirtualKeys(
  store: SpendStore,
  modelNames: readonly string[],
  logger: Logger,
  redact: (value: unknown) => unknown,
): Promise<{ admin: KeyAdmin; identities: KeyIdentities } | undefined> {
  if (!store.sql) return undefined;
  const keyStore = createKeyStore(store.sql);
  // One line when reading starts failing and one when it works again, not one a second.
  let failing = false;
  const cache = new KeyCache(keyStore, {
    onError(err) {
      if (failing) return;
      failing = true;
      logger.warn({ keys: { backend: store.backend }, err: { message: String(redact(err instanceof Error ? err.message : String(err))) } }, "virtual keys could not be read; serving the ones already loaded");
    },
    onLoaded() {
      if (!failing) return;
      failing = false;
      logger.info({ keys: { backend: store.backend } }, "virtual keys readable again");
    },
  });
  await cache.start();
  return { admin: new KeyAdmin(keyStore, cache, new Set(modelNames)), identities: new KeyIdentities(cache, keyStore) };
}
