import { z } from "zod";
import type { DheeraError } from "@dheera/core";
import { mapOpenAIStyleError, type ParsedUpstreamError, type UpstreamErrorInput } from "@dheera/core/kit";

/**
 * Turns a non-2xx Azure answer into a DheeraError shaped like an OpenAI error: the kit's
 * OpenAI-style reading (OpenAI's envelope, APIM's `{statusCode,message}`, HTML from whatever
 * gateway sits in front), plus Azure's own dialect on top: its two content-filter shapes (chat:
 * `innererror.content_filter_result`; responses: `content_filters[]`) keep OpenAI's code
 * `content_filter`, so clients can tell them from other 400s.
 */

export type AzureErrorInput = UpstreamErrorInput;

const code = z.union([z.string(), z.number().transform(String)]).nullish().catch(undefined);
const filterShape = z.looseObject({
  error: z.looseObject({
    code,
    innererror: z.looseObject({ code, content_filter_result: z.unknown() }).nullish().catch(undefined),
    content_filters: z.array(z.unknown()).nullish().catch(undefined),
  }),
});

const REQUEST_ID_HEADERS = ["apim-request-id", "x-request-id", "x-ms-request-id"] as const;

export function mapAzureError(input: AzureErrorInput): DheeraError {
  return mapOpenAIStyleError(input, { provider: "azure", displayName: "Azure", requestIdHeaders: REQUEST_ID_HEADERS, refine: contentFilterCode });
}

function contentFilterCode(parsed: ParsedUpstreamError, json: unknown): ParsedUpstreamError {
  const shape = filterShape.safeParse(json);
  if (!shape.success) return parsed;
  const { error } = shape.data;
  const filtered =
    error.code === "content_filter" ||
    error.innererror?.content_filter_result != null ||
    error.innererror?.code === "ResponsibleAIPolicyViolation" ||
    Array.isArray(error.content_filters);
  return filtered ? { ...parsed, code: "content_filter" } : parsed;
}
