import type { Transport } from "./transport.js";
import { undiciTransport } from "./undici-transport.js";

// Kept on globalThis under a registered symbol so that every copy of @dheera/core in a process
// (a bundled one, a hoisted one) shares the same choice.
const SLOT = Symbol.for("dheera.defaultTransport");
type Slot = { current?: Transport };
const slot = ((globalThis as Record<symbol, unknown>)[SLOT] ??= {}) as Slot;

const delegate: Transport = (request) => {
  slot.current ??= undiciTransport();
  return slot.current(request);
};
// WebSockets and response cuts follow the chosen transport too: the undici one has them, fetchTransport does not.
Object.defineProperty(delegate, "openWebSocket", {
  get: () => (slot.current ??= undiciTransport()).openWebSocket,
});
Object.defineProperty(delegate, "cutsResponses", {
  get: () => (slot.current ??= undiciTransport()).cutsResponses === true,
});

/**
 * The process-wide transport: a keep-alive undici transport unless `setDefaultTransport` chose
 * another. The returned function delegates on every call, so a later `setDefaultTransport` also
 * applies to deployments resolved before it.
 */
export function defaultTransport(): Transport {
  return delegate;
}

/**
 * Replaces the process-wide transport: route every upstream call through a corporate proxy,
 * record traffic, or use `fetchTransport()` so msw can intercept in tests. Pass `undefined` to go
 * back to the built-in undici transport.
 */
export function setDefaultTransport(transport: Transport | undefined): void {
  slot.current = transport;
}
