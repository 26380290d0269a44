/**
 * Paths into parsed JSON, as zod reports them (`["messages", 0, "role"]`): written the way
 * OpenAI names a `param` and a config file names a key (`messages[0].role`), and followed into
 * a value.
 */

/** `messages[0].role`; "" for the root. */
export function formatValuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  return out;
}

/** The value at `path`, or undefined where the path leaves the value. */
export function readValuePath(value: unknown, path: readonly PropertyKey[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}
