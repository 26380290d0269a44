// Portkey's open-source gateway (`@portkey-ai/gateway`, installed by the caller, not a dependency
// of this folder) as one more build in `compare --portkey <its folder>`: started headless, it
// calls the same fake upstream as an Azure OpenAI provider with a custom host, with none of its
// features configured (the lightest Portkey there is).
import { existsSync } from "node:fs";
import path from "node:path";
import { startNode } from "./processes.mjs";
import { API_VERSION, AZURE_KEY, DEPLOYMENT, INPUT, cleanEnv } from "./setup.mjs";

export async function startPortkey(root, { logDir, upstream, name = "portkey" }) {
  const script = path.join(root, "build/start-server.js");
  if (!existsSync(script)) throw new Error(`${script} is missing: --portkey takes the folder of an installed @portkey-ai/gateway`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const p = await startNode({
    name,
    script,
    args: [`--port=${port}`, "--headless"],
    env: { ...cleanEnv(), NODE_ENV: "production" },
    logDir,
    ready: /(Ready for connections)/,
    timeoutMs: 30_000,
  });
  const origin = `http://127.0.0.1:${port}`;
  const headers = {
    "content-type": "application/json",
    "x-portkey-provider": "azure-openai",
    "x-portkey-custom-host": `${upstream}/openai`,
    "x-portkey-azure-resource-name": "bench",
    "x-portkey-azure-deployment-id": DEPLOYMENT,
    "x-portkey-azure-api-version": API_VERSION,
    // Portkey takes the provider's key as a bearer token and sends it on as Azure's api-key.
    authorization: `Bearer ${AZURE_KEY}`,
  };
  return {
    ...p,
    url: origin,
    /** The Responses API through Portkey, JSON only: on Node 20 its SSE path fails every request (`TypeError: immutable`). */
    target: (stream) =>
      stream ? undefined : { kind: "portkey", api: "responses", origin, path: "/v1/responses", headers, body: (s) => ({ model: DEPLOYMENT, input: INPUT, stream: s }), label: "Portkey /v1/responses" },
  };
}
