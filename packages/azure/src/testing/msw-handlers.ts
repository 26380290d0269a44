import { createRequire } from "node:module";
import type { HttpHandler } from "msw";

/**
 * msw adapter: one `http.all(baseUrl + "/*")` handler that delegates to the emulator.
 * msw is an optional peer dependency, so it is loaded only when handlers are asked for
 * (Node >= 20.19 `require`s msw's ESM build, the same instance `msw/node` uses).
 */

type Dispatch = (request: Request, basePath: string) => Promise<Response>;

export function createMswHandlers(baseUrl: string, dispatch: Dispatch): HttpHandler[] {
  const base = baseUrl.replace(/\/+$/, "");
  const basePath = new URL(base).pathname.replace(/\/+$/, "");
  const { http } = loadMsw();
  return [http.all(`${base}/*`, ({ request }) => dispatch(request, basePath))];
}

function loadMsw(): typeof import("msw") {
  const require = createRequire(import.meta.url);
  try {
    return require("msw") as typeof import("msw");
  } catch (cause) {
    throw new Error("emulator.mswHandlers() needs the optional peer dependency `msw` (npm i -D msw).", { cause });
  }
}
