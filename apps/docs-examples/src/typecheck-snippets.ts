/**
 * Type-checks the TypeScript blocks the pages wrote to disk, with `tsc --strict`, the way a
 * reader's project would compile them: a snippet that runs but does not compile (a wrong import,
 * an event field that does not exist on its type) is still a broken snippet.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { runToEnd, type ProcessOutcome } from "./child-processes.js";

const require = createRequire(import.meta.url);
const TSC = path.join(path.dirname(require.resolve("typescript/package.json")), "bin/tsc");

export async function typecheckSnippets(root: string, files: string[]): Promise<ProcessOutcome> {
  const tsconfig = path.join(root, "tsconfig.snippets.json");
  await writeFile(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "ESNext",
          moduleResolution: "Bundler",
          moduleDetection: "force",
          strict: true,
          types: ["node"],
          skipLibCheck: true,
          noEmit: true,
        },
        files: files.map((f) => path.relative(root, f)),
      },
      null,
      2,
    ),
  );
  return runToEnd(process.execPath, [TSC, "-p", tsconfig, "--pretty", "false"], { cwd: root, env: process.env, timeoutMs: 120_000 });
}
