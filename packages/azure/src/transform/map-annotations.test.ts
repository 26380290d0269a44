import { describe, expect, test } from "vitest";
import { chatAnnotationToResponse, responseAnnotationToChat } from "./map-annotations.js";

describe("annotations", () => {
  const flat = { type: "url_citation", start_index: 1, end_index: 4, title: "T", url: "https://x.test" };
  const nested = { type: "url_citation", url_citation: { start_index: 1, end_index: 4, title: "T", url: "https://x.test" } };

  test("flat url_citation -> nested, shifted by the part's offset", () => {
    expect(responseAnnotationToChat(flat, 0)).toEqual(nested);
    expect(responseAnnotationToChat(flat, 10)).toEqual({ type: "url_citation", url_citation: { ...nested.url_citation, start_index: 11, end_index: 14 } });
  });

  test("nested url_citation -> flat", () => {
    expect(chatAnnotationToResponse(nested)).toEqual(flat);
  });

  test("other annotation types pass through both ways", () => {
    const file = { type: "file_citation", file_id: "file-1", filename: "a.pdf", index: 3 };
    expect(responseAnnotationToChat(file, 5)).toEqual(file);
    expect(chatAnnotationToResponse(file)).toEqual(file);
  });
});
