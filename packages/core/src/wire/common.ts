import { z } from "zod";

/** Metadata map as the OpenAI APIs define it. */
export const metadataSchema = z.record(z.string(), z.string());

/** `{type:"function", name}`-style references and other loose objects we only route on. */
export const looseRecord = z.looseObject({});
