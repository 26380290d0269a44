/*
 * Once per deployment (api base + name) per host: hosts resolve a deployment again when its
 * settings change (another key, a new environment), and that must not repeat a warning. Keyed
 * by the host's warn function so two SDK instances or two proxies each get told once.
 */
const warned = new WeakMap<(message: string) => void, Set<string>>();

export function warnOnce(
  input: { deployment: string; apiBase: string; warn?: ((message: string) => void) | undefined },
  kind: string,
  message: string,
): void {
  const warn = input.warn;
  if (!warn) return;
  let seen = warned.get(warn);
  if (!seen) warned.set(warn, (seen = new Set()));
  const key = `${kind}\u0000${input.apiBase}\u0000${input.deployment}`;
  if (seen.has(key)) return;
  seen.add(key);
  warn(message);
}
