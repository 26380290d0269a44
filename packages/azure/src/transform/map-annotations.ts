import { type Loose } from "./loose.js";
/**
 * Output-text annotations between the formats. Responses is flat
 * (`{type:"url_citation", start_index, end_index, title, url}`); Chat nests the same fields
 * under `url_citation`. Other annotation types (file citations) have no Chat form and pass through.
 */

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null;
}

function shift(value: unknown, offset: number): unknown {
  return typeof value === "number" ? value + offset : value;
}

/**
 * Responses annotation -> Chat annotation. `offset` is where the part's text starts in the
 * joined Chat content: indexes are relative to the part, and Chat has one string.
 */
export function responseAnnotationToChat(annotation: unknown, offset: number): unknown {
  if (!isObject(annotation) || annotation.type !== "url_citation") return annotation;
  const { type, ...fields } = annotation;
  return {
    type,
    url_citation: { ...fields, start_index: shift(fields.start_index, offset), end_index: shift(fields.end_index, offset) },
  };
}

/** Chat annotation -> Responses annotation. */
export function chatAnnotationToResponse(annotation: unknown): unknown {
  if (!isObject(annotation) || annotation.type !== "url_citation" || !isObject(annotation.url_citation)) return annotation;
  return { type: "url_citation", ...annotation.url_citation };
}
