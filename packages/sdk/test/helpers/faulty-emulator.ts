import { startEmulatorServer, type AzureEmulatorOptions, type EmulatorExchange, type EmulatorServer, type EmulatorServerOptions } from "@dheera/azure/testing";

export type { EmulatorFault as Fault } from "@dheera/azure/testing";

/** `startEmulatorServer` from `@dheera/azure/testing`, for router tests that count the creates an emulator got. */
export interface FaultyEmulator extends EmulatorServer {
  /** The POSTs that reached it (creates), faulted or not. */
  posts(): EmulatorExchange[];
}

export async function startFaultyEmulator(options: AzureEmulatorOptions = {}, fault?: EmulatorServerOptions["fault"]): Promise<FaultyEmulator> {
  const server = await startEmulatorServer(options, { fault });
  return { ...server, posts: () => server.exchanges.filter((e) => e.method === "POST") };
}
