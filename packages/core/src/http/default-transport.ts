import type { Transport } from "./transport.js";
import { undiciTransport } from "./undici-transport.js";

let shared: Transport | undefined;

/** One keep-alive undici transport per process, created on first use. */
export function defaultTransport(): Transport {
  shared ??= undiciTransport();
  return shared;
}
