import type { Transport, UpstreamRequest, UpstreamResponse } from "../../http/transport.js";

/**
 * The transport the conformance suite hands a provider: the real one underneath, every request
 * recorded (what went upstream, and whether its signal was aborted later), and the next answer
 * replaceable by a synthetic one, so error mapping is checked without the author's upstream
 * having to fail on cue.
 */

export interface RecordedExchange {
  request: UpstreamRequest;
  /** The request body parsed as JSON, when it was JSON. */
  json: unknown;
}

export interface SyntheticAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface RecordingTransport {
  transport: Transport;
  exchanges: RecordedExchange[];
  /** The next request is answered with this instead of reaching the upstream. */
  answerNext(answer: SyntheticAnswer): void;
  /** The next request goes to `url` instead (a closed port: an unreachable upstream). */
  redirectNext(url: string): void;
}

export function recordingTransport(inner: Transport): RecordingTransport {
  const exchanges: RecordedExchange[] = [];
  let synthetic: SyntheticAnswer | undefined;
  let redirect: string | undefined;
  const transport: Transport = async (request) => {
    exchanges.push({ request, json: parse(request.body) });
    if (synthetic) {
      const answer = synthetic;
      synthetic = undefined;
      return syntheticResponse(answer);
    }
    if (redirect) {
      const url = redirect;
      redirect = undefined;
      return inner({ ...request, url });
    }
    return inner(request);
  };
  // WebSockets are not recorded: they pass to the inner transport's, when it has one.
  if (inner.openWebSocket) transport.openWebSocket = (url, headers) => inner.openWebSocket!(url, headers);
  return {
    transport,
    exchanges,
    answerNext: (answer) => (synthetic = answer),
    redirectNext: (url) => (redirect = url),
  };
}

function syntheticResponse(answer: SyntheticAnswer): UpstreamResponse {
  const bytes = new TextEncoder().encode(answer.body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    status: answer.status,
    headers,
    body: {
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    },
    text: async () => answer.body,
    dump: async () => {},
  };
}

function parse(body: string | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The first value of `key` as an object key anywhere in `value`, depth first. */
export function findKeyDeep(value: unknown, key: string): { found: true; value: unknown } | { found: false } {
  if (typeof value !== "object" || value === null) return { found: false };
  if (!Array.isArray(value) && Object.hasOwn(value, key)) return { found: true, value: (value as Record<string, unknown>)[key] };
  for (const child of Object.values(value)) {
    const hit = findKeyDeep(child, key);
    if (hit.found) return hit;
  }
  return { found: false };
}
