import { spawn, type ChildProcess } from "node:child_process";

/*
 * An installed `dheera_ai` (from npm's global prefix or a project's node_modules/.bin), started as
 * a user starts it, on a free loopback port.
 */

export interface InstalledProxy {
  child: ChildProcess;
  url: string;
}

/** Starts `command --config config.yaml` in `cwd` and resolves with the URL it prints. */
export function startInstalledProxy(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<InstalledProxy> {
  const child = spawn(command, ["--config", "config.yaml", "--port", "0", "--host", "127.0.0.1"], { cwd, env });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /RUNNING on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", () => reject(new Error(out)));
  });
}
