import { DEFAULT_API_KEYS, createAzureEmulator } from "./azure-emulator.js";
import { DEFAULT_EMULATOR_DEPLOYMENTS } from "./emulator-deployments.js";
import type { AzureEmulatorServer } from "./emulator-types.js";

/**
 * Starts the emulator for a command line (`dheera-azure-emulator`): `--port <n>` (or
 * `--port=<n>`, else env PORT, else a free port), `--host <h>`, repeatable `--api-key <k>`,
 * `--stream-delay-ms <n>`, `--strict-deployments` (serve only the built-in deployment names; by
 * default any name a config uses is served). Prints `Azure emulator listening on
 * http://127.0.0.1:<port>` and the key it accepts, and closes on SIGINT/SIGTERM.
 */

export interface CliIo {
  argv?: readonly string[];
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers that close the server and exit (default true). */
  handleSignals?: boolean;
}

export async function startAzureEmulatorFromCli(io: CliIo = {}): Promise<AzureEmulatorServer> {
  const argv = io.argv ?? process.argv.slice(2);
  const env = io.env ?? process.env;
  const log = io.log ?? ((line: string) => console.log(line));
  const flags = parseFlags(argv);

  const port = parsePort(flags.port?.[0] ?? env.PORT ?? "0");
  const apiKeys = flags["api-key"];
  const delay = flags["stream-delay-ms"]?.[0];
  const emulator = createAzureEmulator({
    anyDeployment: flags["strict-deployments"] === undefined,
    ...(apiKeys ? { apiKeys } : {}),
    ...(delay !== undefined ? { streamDelayMs: Number(delay) } : {}),
  });
  const server = await emulator.listen({ port, host: flags.host?.[0] ?? "127.0.0.1" });
  log(`Azure emulator listening on ${server.url}`);
  log(`api_key: ${(apiKeys ?? DEFAULT_API_KEYS).join(" or ")}; deployments: ${flags["strict-deployments"] === undefined ? "any name" : Object.keys(DEFAULT_EMULATOR_DEPLOYMENTS).join(", ")}`);
  if (io.handleSignals ?? true) {
    const stop = () => {
      server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  }
  return server;
}

function parseFlags(argv: readonly string[]): Record<string, string[]> {
  const flags: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) throw new Error(`Unexpected argument: ${arg}`);
    if (arg === "--strict-deployments") {
      flags["strict-deployments"] = [];
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new Error(`Missing value for --${name}`);
      i++;
    }
    if (!["port", "host", "api-key", "stream-delay-ms"].includes(name)) throw new Error(`Unknown option: --${name} (options: --port, --host, --api-key, --stream-delay-ms, --strict-deployments)`);
    (flags[name] ??= []).push(value);
  }
  return flags;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${value}`);
  return port;
}
