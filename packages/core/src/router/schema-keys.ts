import type { z } from "zod";

/*
 * The keys an object schema allows at a path inside a bigger schema, so an unknown key in a
 * config can be answered with the key that was meant. Walks through the wrappers zod puts around
 * objects (optional, default, pipes, lazies, unions of objects); undefined where it cannot tell.
 */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional", "success"]);

function unwrap(schema: unknown, depth = 0): unknown[] {
  const def = defOf(schema);
  if (!def || depth > 16) return [];
  if (WRAPPERS.has(def.type)) return unwrap(def.innerType, depth + 1);
  if (def.type === "pipe") return unwrap(def.in, depth + 1);
  if (def.type === "lazy") return unwrap((def.getter as () => unknown)(), depth + 1);
  if (def.type === "union") return (def.options as unknown[]).flatMap((o) => unwrap(o, depth + 1));
  return [schema];
}

function step(schema: unknown, segment: string | number): unknown[] {
  return unwrap(schema).flatMap((s) => {
    const def = defOf(s)!;
    if (def.type === "object") {
      const child = (def.shape as Record<string, unknown>)[String(segment)];
      return child === undefined ? [] : [child];
    }
    if (def.type === "array") return typeof segment === "number" ? [def.element] : [];
    if (def.type === "record") return [def.valueType];
    if (def.type === "tuple") return typeof segment === "number" ? [(def.items as unknown[])[segment]].filter(Boolean) : [];
    return [];
  });
}

/** Every key the object schema(s) at `path` accept, or undefined when no object schema is there. */
export function schemaKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] | undefined {
  let current: unknown[] = [schema];
  for (const segment of path) current = current.flatMap((s) => step(s, segment));
  const keys = new Set<string>();
  for (const s of current.flatMap((c) => unwrap(c))) {
    const def = defOf(s)!;
    if (def.type === "object") for (const key of Object.keys(def.shape as object)) keys.add(key);
  }
  return keys.size === 0 ? undefined : [...keys];
}
