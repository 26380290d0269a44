import type { Agent as UndiciAgent } from "undici";
// @ts-expect-error -- undici publishes no types for its own files; typed below as the public class.
import AgentClass from "undici/lib/dispatcher/agent.js";

/*
 * undici's Agent alone, not undici's index: the index also loads fetch, WebSocket, the cache and
 * the mock layers, which cost about 9 MB of RSS and 60 ms of start-up in every process that
 * imports @dheera/core (the proxy, and every SDK user). undici has no `exports` map, so the file
 * is reachable; the version is pinned exactly, and undici-agent.test.ts fails if an upgrade moves
 * it. A static import, not createRequire: bundlers (esbuild for a serverless function) follow it.
 */
export const Agent = AgentClass as typeof UndiciAgent;
