import { EmulatorHttpError } from "./emulator-errors.js";

/**
 * Azure content-filter annotations in the shapes each surface uses: chat has
 * `prompt_filter_results` / per-choice `content_filter_results` (and `innererror.content_filter_result`,
 * singular, on a blocked prompt); the Responses API has a `content_filters` array.
 */

const safe = () => ({ filtered: false, severity: "safe" });

export type FilterCategoryResults = Record<string, { filtered: boolean; severity?: string; detected?: boolean }>;

export function promptFilterCategories(blocked = false): FilterCategoryResults {
  return {
    hate: safe(),
    jailbreak: { filtered: blocked, detected: blocked },
    self_harm: safe(),
    sexual: safe(),
    violence: blocked ? { filtered: true, severity: "medium" } : safe(),
  };
}

export function completionFilterCategories(blocked = false): FilterCategoryResults {
  return {
    hate: safe(),
    protected_material_code: { filtered: false, detected: false },
    protected_material_text: { filtered: false, detected: false },
    self_harm: safe(),
    sexual: safe(),
    violence: blocked ? { filtered: true, severity: "medium" } : safe(),
  };
}

/** Chat: top-level `prompt_filter_results`. */
export function promptFilterResults() {
  return [{ prompt_index: 0, content_filter_results: promptFilterCategories() }];
}

export interface ResponsesContentFilter {
  blocked: boolean;
  source_type: "prompt" | "completion";
  content_filter_raw: unknown[];
  content_filter_results: FilterCategoryResults;
  content_filter_offsets: { start_offset: number; end_offset: number; check_offset: number };
}

/** Responses: the final `content_filters` array (prompt + completion entries). */
export function responsesContentFilters(promptChars: number, completionChars: number, completionBlocked = false): ResponsesContentFilter[] {
  return [
    {
      blocked: false,
      source_type: "prompt",
      content_filter_raw: [],
      content_filter_results: promptFilterCategories(),
      content_filter_offsets: { start_offset: 0, end_offset: promptChars, check_offset: 0 },
    },
    {
      blocked: completionBlocked,
      source_type: "completion",
      content_filter_raw: [],
      content_filter_results: completionFilterCategories(completionBlocked),
      content_filter_offsets: { start_offset: 0, end_offset: completionChars, check_offset: 0 },
    },
  ];
}

const PROMPT_FILTERED_MESSAGE =
  "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766";

/** HTTP 400 for a blocked prompt, shaped for the API that was called. */
export function promptBlockedError(api: "chat" | "responses"): EmulatorHttpError {
  if (api === "chat") {
    return new EmulatorHttpError(400, {
      error: {
        message: PROMPT_FILTERED_MESSAGE,
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: promptFilterCategories(true) },
      },
    });
  }
  return new EmulatorHttpError(400, {
    error: {
      message: PROMPT_FILTERED_MESSAGE,
      type: "invalid_request_error",
      param: "prompt",
      code: "content_filter",
      content_filters: [
        {
          blocked: true,
          source_type: "prompt",
          content_filter_raw: [],
          content_filter_results: promptFilterCategories(true),
        },
      ],
    },
  });
}
