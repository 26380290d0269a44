import { startEmulatorServer, type AzureEmulatorOptions, type EmulatorFaultContext, type EmulatorServer, type EmulatorServerOptions } from "@dheera/azure/testing";

export type { EmulatorFault as Fault, EmulatorFaultContext as FaultContext, EmulatorServer } from "@dheera/azure/testing";

/** In a request body: the server cuts the connection mid-body (`reset_mid_body`), an upstream that breaks mid-stream. */
export const CUT_CONNECTION = "[[cut_connection]]";

/**
 * `startEmulatorServer` from `@dheera/azure/testing` (the emulator on a loopback server that
 * records each exchange and injects the faults `fault` decides), with the proxy tests'
 * convention on top: a request whose body contains `CUT_CONNECTION` gets `reset_mid_body`.
 */
export function startEmulator(options: AzureEmulatorOptions = {}, { fault }: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  return startEmulatorServer(options, {
    fault: (request) => fault?.(request) ?? (JSON.stringify(request.body ?? {}).includes(CUT_CONNECTION) ? "reset_mid_body" : undefined),
  });
}

/** A fault that fails the first attempt of each distinct request whose body contains `marker` with a 500; its retry succeeds. */
export function failFirstTry(marker: string): (ctx: EmulatorFaultContext) => "http_500" | undefined {
  const failed = new Set<string>();
  return (ctx) => {
    const text = JSON.stringify(ctx.body ?? {});
    if (!text.includes(marker) || failed.has(text)) return undefined;
    failed.add(text);
    return "http_500";
  };
}
