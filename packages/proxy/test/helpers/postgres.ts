import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A throwaway PostgreSQL database per test, on the server our machines run at 127.0.0.1:5432
 * (trust auth, user postgres; DHEERA_TEST_POSTGRES_URL points elsewhere). Not reachable: the
 * tests fail and say how to start one, unless DHEERA_SKIP_POSTGRES=1 skips them on purpose.
 */

export const ADMIN_URL = process.env.DHEERA_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const SKIP_POSTGRES = process.env.DHEERA_SKIP_POSTGRES === "1";
export const SKIP_REASON = "PostgreSQL tests skipped: DHEERA_SKIP_POSTGRES=1 is set";

// Said out loud, not only counted as "skipped": a run without PostgreSQL must be a choice.
if (SKIP_POSTGRES) console.warn(`${SKIP_REASON} (unset it to run them against ${ADMIN_URL}).`);

export interface TestDatabase {
  name: string;
  url: string;
  /** A client on the test database, for assertions. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      [
        `PostgreSQL is not reachable at ${redacted(ADMIN_URL)} (${(err as Error).message || (err as { code?: string }).code}).`,
        "The spend-store tests need a real server with trust auth for user postgres. Start one with:",
        "  docker run --rm -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16",
        "or your OS package (Debian/Ubuntu: apt-get install postgresql && pg_ctlcluster <version> main start),",
        "or set DHEERA_TEST_POSTGRES_URL to another server, or DHEERA_SKIP_POSTGRES=1 to skip these tests.",
      ].join("\n"),
    );
  }
  return client;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `dheera_test_${randomBytes(6).toString("hex")}`;
  const client = await admin();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // DROP ... WITH (FORCE) may reach a backend whose client is still closing after pool.end():
  // its FATAL 57P01 is expected then, not an unhandled error of the test run.
  pool.on("error", () => undefined);
  return {
    name,
    url: url.toString(),
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async drop() {
      await pool.end();
      const c = await admin();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
