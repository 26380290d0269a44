import { isMap, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { ConfigPath } from "./config-error.js";

/** Finds the line of a key or value in a parsed YAML document, for error messages. */
export interface ConfigLocator {
  /**
   * Line of `path`: the key's line when the last segment names a map key, else the value's.
   * A path that does not exist (a missing key) falls back to its nearest existing parent.
   */
  lineOf(path: ConfigPath): number | undefined;
}

export const noLocator: ConfigLocator = { lineOf: () => undefined };

export function yamlLocator(doc: Document, lines: LineCounter): ConfigLocator {
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  return {
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = lineAt((node as Node | null)?.range?.[0]);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => scalarValue(p.key) === key);
          if (!pair) return line;
          line = lineAt((pair.key as Node | null)?.range?.[0]) ?? line;
          node = pair.value;
        } else if (isSeq(node) && typeof key === "number") {
          const item = node.items[key] as Node | undefined;
          if (!item) return line;
          line = lineAt(item.range?.[0]) ?? line;
          node = item;
        } else {
          return line;
        }
      }
      return line;
    },
  };
}

function scalarValue(node: unknown): unknown {
  return typeof node === "object" && node !== null && "value" in node ? (node as { value: unknown }).value : node;
}
