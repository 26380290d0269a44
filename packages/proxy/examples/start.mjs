#!/usr/bin/env node
// Starts dheera_ai with examples/config.yaml. With AZURE_API_KEY and AZURE_API_BASE set it talks
// to Azure; without them it first starts the bundled Azure emulator (@dheera/azure/testing) on
// loopback and points the config at it, so a machine without credentials or internet still gets
// a working gateway. Extra arguments go to dheera_ai (e.g. --port 4001 --detailed_debug).
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const env = { ...process.env };
let emulator;

if (!env.AZURE_API_KEY || !env.AZURE_API_BASE) {
  const { createAzureEmulator } = await import("@dheera/azure/testing");
  emulator = await createAzureEmulator().listen({ port: 0 });
  env.AZURE_API_BASE = emulator.url;
  env.AZURE_API_KEY = "test-azure-key";
  console.log(`No AZURE_API_KEY / AZURE_API_BASE set: using the bundled Azure emulator at ${emulator.url}`);
}
if (!env.DHEERA_AI_MASTER_KEY) {
  env.DHEERA_AI_MASTER_KEY = "sk-dheera-local";
  console.log("DHEERA_AI_MASTER_KEY not set: the master key is sk-dheera-local");
}

// An IPC channel ties the gateway's life to this launcher's: if this process dies, even by
// SIGKILL, the gateway sees the channel close and drains. Signals are forwarded once; the proxy
// takes the copy of a Ctrl-C it already got from the terminal as the same one.
const child = spawn(process.execPath, [path.join(here, "../dist/cli.js"), "--config", path.join(here, "config.yaml"), ...process.argv.slice(2)], {
  stdio: ["inherit", "inherit", "inherit", "ipc"],
  env,
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal === "SIGHUP" ? "SIGTERM" : signal));
child.on("exit", async (code, signal) => {
  await emulator?.close();
  process.exit(code ?? (signal ? 1 : 0));
});
