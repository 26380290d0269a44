#!/usr/bin/env node
/** Runs the Azure OpenAI emulator on a loopback port: `emulator-cli --port 0`. */
import { startAzureEmulatorFromCli } from "./start-from-cli.js";

startAzureEmulatorFromCli().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
