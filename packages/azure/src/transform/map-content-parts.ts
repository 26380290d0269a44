import { InvalidRequestError, type ChatContentPart, type InputContentPart } from "@dheera/core";
import { type Loose, type Warn } from "./loose.js";

/**
 * Content parts between the formats: Chat nests (`image_url:{url, detail}`, `file:{...}`),
 * Responses is flat (`input_image` with a string `image_url`). Only the fields each format
 * defines are copied, because the Responses API rejects unknown keys inside a part. Part types
 * neither format maps (a newer one) pass through unchanged rather than vanish.
 */

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function defined(entries: Record<string, unknown>): Loose {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== null));
}

/** A Chat part in a user/system/developer message (or tool output) -> a Responses input part. */
export function chatPartToInputPart(part: ChatContentPart): InputContentPart {
  const p = part as Loose;
  switch (part.type) {
    case "text":
      return { type: "input_text", text: str(p.text) ?? "" };
    case "image_url": {
      const image = p.image_url as Loose | string | null | undefined;
      if (typeof image !== "string" && (typeof image !== "object" || image === null || Array.isArray(image))) {
        throw new InvalidRequestError(`Invalid type for 'image_url': expected an object with a 'url', but got ${image === null ? "null" : Array.isArray(image) ? "an array" : typeof image} instead.`, {
          param: "image_url",
          code: "invalid_type",
        });
      }
      // Chat's detail is optional; Responses requires it in its type (the API defaults to auto).
      const url = typeof image === "string" ? image : str(image.url);
      const detail = typeof image === "object" ? str(image.detail) : undefined;
      return { type: "input_image", image_url: url ?? null, detail: (detail ?? "auto") as "auto" };
    }
    case "file": {
      const file = (p.file ?? {}) as Loose;
      return { type: "input_file", ...defined({ file_id: file.file_id, file_data: file.file_data, filename: file.filename }) };
    }
    default:
      // input_audio has the same shape in both formats; anything newer passes through.
      return part;
  }
}

/** A Chat part in an assistant message -> a Responses assistant-history part. */
export function chatAssistantPartToOutputPart(part: ChatContentPart): InputContentPart {
  const p = part as Loose;
  if (part.type === "text") return { type: "output_text", text: str(p.text) ?? "" };
  if (part.type === "refusal") return { type: "refusal", refusal: str(p.refusal) ?? "" };
  return part;
}

const CHAT_IMAGE_DETAILS = new Set(["auto", "low", "high"]);

/**
 * A Responses input part -> a Chat part, or null when Chat cannot express it (an image or file
 * known only by a reference Chat lacks); the caller is told through `warn`.
 */
export function inputPartToChatPart(part: InputContentPart, warn: Warn): ChatContentPart | null {
  const p = part as Loose;
  switch (part.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: str(p.text) ?? "" };
    case "input_image": {
      const url = str(p.image_url);
      if (url === undefined) {
        warn("input_image without image_url (file_id only) cannot be sent to a Chat Completions upstream; the part was dropped");
        return null;
      }
      const detail = str(p.detail);
      if (detail !== undefined && !CHAT_IMAGE_DETAILS.has(detail)) {
        warn(`input_image detail "${detail}" has no Chat Completions equivalent; the upstream default was used`);
      }
      return { type: "image_url", image_url: defined({ url, detail: detail !== undefined && CHAT_IMAGE_DETAILS.has(detail) ? detail : undefined }) as { url: string } };
    }
    case "input_file": {
      if (p.file_id == null && p.file_data == null) {
        warn("input_file with only file_url cannot be sent to a Chat Completions upstream; the part was dropped");
        return null;
      }
      return { type: "file", file: defined({ file_id: p.file_id, file_data: p.file_data, filename: p.filename }) };
    }
    default:
      return part;
  }
}
