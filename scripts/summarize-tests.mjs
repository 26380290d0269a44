// Adds up the vitest JSON reports every package writes to .tmp/vitest-report.json and prints
// one closing line a reader (or CI) can find: "N passed, N failed, N skipped".
import { readFileSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";

let passed = 0, failed = 0, skipped = 0;
for (const group of ["packages", "apps"]) {
  if (!existsSync(group)) continue;
  for (const dir of readdirSync(group)) {
    const file = path.join(group, dir, ".tmp", "vitest-report.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    console.log(`${path.join(group, dir)}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
