import { createRequire } from "node:module";
import type { Agent as UndiciAgent } from "undici";

/*
 * undici's Agent alone, not undici's index: the index also loads fetch, WebSocket, the cache and
 * the mock layers, which cost about 9 MB of RSS and 60 ms of start-up in every process that
 * imports @dheera/core (the proxy, and every SDK user). undici has no `exports` map, so the file
 * is reachable; the version is pinned exactly, and undici-agent.test.ts fails if an upgrade moves it.
 */
const require = createRequire(import.meta.url);
export const Agent = require("undici/lib/dispatcher/agent.js") as typeof UndiciAgent;
