/**
 * A flat call mixes provider settings with wire parameters, and unknown wire parameters are sent
 * upstream untouched (they may be newer than us). So `api_bsae` would silently travel to Azure as
 * a request field while the real api_base falls back to the environment. A key one or two edits
 * away from a setting name is almost surely such a typo: name it instead of sending it.
 */
export function misspeltSetting(key: string, settingKeys: readonly string[], knownWireKeys: ReadonlySet<string>): string | undefined {
  if (key.length < 4 || knownWireKeys.has(key)) return undefined;
  for (const setting of settingKeys) {
    if (Math.abs(setting.length - key.length) <= 2 && editDistance(key, setting) <= 2) return setting;
  }
  return undefined;
}

/** Optimal string alignment distance (Levenshtein plus adjacent swaps, the commonest typo). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
