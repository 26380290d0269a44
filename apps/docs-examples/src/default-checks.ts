/** What the runner checks of every block of a kind, before the block's own check. */
import { expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { expectSuccess } from "./checks.js";
import type { CheckContext, Expectation, RunResult } from "./expectation.js";

export async function defaultChecks(expectation: Expectation, result: RunResult, context: CheckContext, masterKey: string | undefined): Promise<void> {
  switch (expectation.kind) {
    case "script":
    case "command":
      expectSuccess(result, expectation.exitCode ?? 0);
      return;
    case "file":
      return;
    case "output": {
      const normalize = expectation.normalize ?? ((t: string) => t);
      const printed = normalize(`${result.stdout}\n${result.stderr}`);
      const missing = normalize(context.block.code)
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "" && !printed.includes(l));
      expect(missing, `lines of this output block that the block before it did not print (it printed:\n${printed})`).toEqual([]);
      return;
    }
    case "proxy-config": {
      if (expectation.rejectedWith) {
        expect(result.timedOut, "dheera_ai should have exited").toBe(false);
        expect(result.exitCode, `dheera_ai should reject this config (stdout:\n${result.stdout})`).not.toBe(0);
        expect(result.stderr).toMatch(expectation.rejectedWith);
        return;
      }
      expect(result.proxyUrl).toMatch(/^http:\/\//);
      // A reader checks the proxy serves the models they configured.
      const names = modelNames(context.block.code);
      const res = await context.fetchProxy("/v1/models", { headers: masterKey ? { authorization: `Bearer ${masterKey}` } : {} });
      expect(res.status, "GET /v1/models").toBe(200);
      const ids = ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
      expect(ids.sort()).toEqual([...new Set(names)].sort());
      return;
    }
    case "proxy-start": {
      // The block's `# RUNNING on http://0.0.0.0:4000` comment, with the runner's port.
      const printed = /RUNNING on http:\/\/[^\s]+/.exec(result.stdout)?.[0];
      expect(printed, `dheera_ai's RUNNING line (stdout:\n${result.stdout}\nstderr:\n${result.stderr})`).toBeDefined();
      const promised = /#\s*(RUNNING on http:\/\/\S+)/.exec(context.block.code)?.[1];
      if (promised) expect(printed!.replace(/:\d+$/, ":<port>")).toBe(promised.replace(/:\d+$/, ":<port>"));
      return;
    }
  }
}

function modelNames(yaml: string): string[] {
  const config = parseYaml(yaml) as { model_list?: { model_name?: string }[] } | null;
  return (config?.model_list ?? []).map((m) => String(m.model_name));
}
