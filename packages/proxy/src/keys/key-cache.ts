import type { KeyRecord, TeamRecord } from "./key-records.js";
import type { KeyStore } from "./key-store.js";

/** How often each replica asks the database whether any key or team changed. */
export const KEY_CACHE_REFRESH_MS = 1000;
/** A key the cache does not know makes it look again, at most this often (a spray of bad keys costs one query per interval). */
const MISS_REFRESH_MS = 100;

export interface KeyCacheOptions {
  refreshMs?: number;
  /** The database could not be read; the cache keeps serving what it has. */
  onError(err: unknown): void;
  /** A check succeeded (after failures, say so). */
  onLoaded?(): void;
}

/**
 * Every key and team in memory, so authenticating a virtual key costs a map lookup, not a
 * database round trip. Each replica polls a cheap stamp (counts and revision sums) every second
 * and reloads everything when it changed: an update, block or delete made through any replica
 * reaches all of them within about a second. A key generated on another replica a moment ago is
 * found at once: an unknown key makes the cache look again (at most every 100 ms).
 */
export class KeyCache {
  #keys = new Map<string, KeyRecord>();
  #teams = new Map<string, TeamRecord>();
  #stamp: string | undefined;
  #lastCheck = 0;
  #checking: Promise<void> | undefined;
  #missCheck: Promise<void> | undefined;
  #readable = false;
  #timer: NodeJS.Timeout | undefined;
  /** Bumped on every reload, so what was derived from the records (identities) can be rebuilt. */
  generation = 0;

  constructor(
    readonly store: KeyStore,
    private readonly options: KeyCacheOptions,
  ) {}

  async start(): Promise<void> {
    await this.check().catch(this.options.onError);
    this.#timer = setInterval(() => void this.check().catch(this.options.onError), this.options.refreshMs ?? KEY_CACHE_REFRESH_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  get size(): number {
    return this.#keys.size;
  }

  /** False while the database cannot be read (the keys already loaded still serve). */
  get readable(): boolean {
    return this.#readable;
  }

  key(token: string): KeyRecord | undefined {
    return this.#keys.get(token);
  }

  team(teamId: string): TeamRecord | undefined {
    return this.#teams.get(teamId);
  }

  /** Every key and team loaded now. */
  all(): { keys: Iterable<KeyRecord>; teams: Iterable<TeamRecord> } {
    return { keys: this.#keys.values(), teams: this.#teams.values() };
  }

  /**
   * For a key the cache does not know: look again, once the last look is 100 ms old (a key made
   * on another replica just now is found; a spray of bad keys costs one query per 100 ms).
   */
  async lookAgain(token: string): Promise<KeyRecord | undefined> {
    this.#missCheck ??= (async () => {
      const wait = MISS_REFRESH_MS - (performance.now() - this.#lastCheck);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#missCheck = undefined;
      await this.check().catch(this.options.onError);
    })();
    await this.#missCheck;
    return this.#keys.get(token);
  }

  /**
   * A check that starts after this call: one already under way may have read the database
   * before a write this replica just made, and joining it would leave the write unseen.
   */
  async checkAfterWrite(): Promise<void> {
    if (this.#checking) await this.#checking.catch(() => undefined);
    await this.check();
  }

  /** Reloads when the database changed; concurrent callers share one check. */
  check(): Promise<void> {
    this.#checking ??= (async () => {
      try {
        this.#lastCheck = performance.now();
        let stamp: string;
        try {
          stamp = await this.store.stamp();
        } catch (err) {
          this.#readable = false;
          throw err;
        }
        this.#readable = true;
        this.options.onLoaded?.();
        if (stamp === this.#stamp) return;
        const { keys, teams } = await this.store.loadAll();
        this.#keys = new Map(keys.map((k) => [k.token, k]));
        this.#teams = new Map(teams.map((t) => [t.team_id, t]));
        this.#stamp = stamp;
        this.generation++;
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }
}
