import path from "node:path";
import { ConfigError } from "../config/config-error.js";
import type { GeneralSettings } from "../config/config-schema.js";
import { withLines, type LoadedConfig } from "../config/load-config.js";
import { openPostgresSpendStore } from "./postgres-spend-store.js";
import { openSqliteSpendStore } from "./sqlite-spend-store.js";
import { disabledSpendStore } from "./disabled-spend-store.js";
import type { SpendStore } from "./spend-store.js";

export const DEFAULT_SPEND_DB_PATH = "./dheera-spend.sqlite";

/**
 * The configured spend store: none with `disable_spend_logs`, PostgreSQL with `database_url`, else the SQLite file
 * `spend_db_path` (default ./dheera-spend.sqlite, relative to the working directory). A SQLite
 * file that cannot be opened (missing folder, no permission) is a config error; PostgreSQL is
 * only reached later (migrations, writes), so a database that is down does not stop the proxy.
 */
export async function openSpendStore(general: GeneralSettings, loaded: LoadedConfig, onPoolError: (err: Error) => void): Promise<SpendStore> {
  if (general.disable_spend_logs === true) return disabledSpendStore;
  if (general.database_url !== undefined) return openPostgresSpendStore(general.database_url, onPoolError);
  const file = general.spend_db_path ?? DEFAULT_SPEND_DB_PATH;
  try {
    return await openSqliteSpendStore(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const where = file === ":memory:" ? file : path.resolve(file);
    throw new ConfigError(
      withLines([{ path: ["general_settings", "spend_db_path"], message: `cannot open the spend database ${where}: ${reason}` }], loaded.locator),
      loaded.file,
    );
  }
}
