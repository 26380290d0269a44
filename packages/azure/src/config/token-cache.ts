/**
 * An Entra ID token kept between requests and renewed before it runs out, so no request waits
 * for the token endpoint once the first token is in, and none is sent with a token about to
 * expire. The renewal runs in the background while the current token still serves; a failed
 * renewal keeps serving the current token and tries again a little later; only a request that
 * finds no usable token waits for (and shares) the one fetch in flight.
 */

/** What `@azure/identity`'s `TokenCredential.getToken` answers (its `AccessToken`). */
export interface AccessTokenLike {
  token: string;
  /** Epoch ms. */
  expiresOnTimestamp: number;
  /** Epoch ms: when the issuer suggests renewing (managed identity sends it); optional. */
  refreshAfterTimestamp?: number;
}

// Renew at most five minutes before expiry, or halfway through a shorter life.
const RENEW_BEFORE_MS = 5 * 60_000;
// A token this close to expiry is not sent: a request may take that long to reach Azure.
const NEVER_SEND_WITHIN_MS = 10_000;
const RETRY_AFTER_FAILURE_MS = 10_000;

interface Held {
  token: string;
  expiresAt: number;
  renewAt: number;
  unusableAt: number;
}

export function cachedTokenProvider(fetchToken: () => Promise<AccessTokenLike>, now: () => number = Date.now): () => Promise<string> {
  let held: Held | undefined;
  let fetching: Promise<string> | undefined;
  let retryAt = 0;

  const fetch = (): Promise<string> =>
    (fetching ??= fetchToken()
      .then((t) => {
        held = hold(t, now());
        return t.token;
      })
      .finally(() => {
        fetching = undefined;
      }));

  return () => {
    const t = now();
    if (held && t < held.unusableAt) {
      if (t >= held.renewAt && t >= retryAt && !fetching) {
        fetch().catch(() => {
          retryAt = now() + RETRY_AFTER_FAILURE_MS;
        });
      }
      return Promise.resolve(held.token);
    }
    return fetch();
  };
}

function hold(t: AccessTokenLike, at: number): Held {
  if (typeof t?.token !== "string" || t.token === "" || !Number.isFinite(t.expiresOnTimestamp)) {
    throw new Error("the credential returned no token or no expiry");
  }
  const life = Math.max(0, t.expiresOnTimestamp - at);
  const ahead = t.expiresOnTimestamp - Math.min(RENEW_BEFORE_MS, life / 2);
  return {
    token: t.token,
    expiresAt: t.expiresOnTimestamp,
    renewAt: Math.min(ahead, t.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY),
    unusableAt: t.expiresOnTimestamp - Math.min(NEVER_SEND_WITHIN_MS, life / 10),
  };
}
