#!/usr/bin/env node
/** Runs the Azure OpenAI emulator on a loopback port: `emulator-cli --port 0`. */
import { startAzureEmulatorFromCli } from "./start-from-cli.js";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(
    [
      "Usage: dheera-azure-emulator [options]",
      "",
      "A strict Azure OpenAI emulator on loopback, for trying configs and clients without Azure.",
      "",
      "  --port <n>             port to listen on (default: PORT, else a free one)",
      "  --host <h>             address to listen on (default 127.0.0.1)",
      "  --api-key <k>          a key to accept (repeatable; default test-azure-key)",
      "  --stream-delay-ms <n>  delay between stream events",
      "  --strict-deployments   serve only the built-in deployment names (default: any name)",
    ].join("\n"),
  );
  process.exit(0);
}

startAzureEmulatorFromCli().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
