import { z } from "zod";

/** The OpenAI error body, `{"error":{"message","type","param","code"}}`. */
export const openAIErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.string().nullable(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAIErrorBodyWire = z.infer<typeof openAIErrorBodySchema>;
