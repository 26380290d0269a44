import { randomBytes, randomUUID } from "node:crypto";

/** Ids in the shapes Azure/OpenAI issue them: `resp_` + hex, `call_` + alphanumerics, `chatcmpl-` + alphanumerics. */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString("hex").slice(0, length);
}

export function alphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALNUM[byte % ALNUM.length];
  return out;
}

export const newResponseId = (): string => `resp_${hex(48)}`;
export const newConversationId = (): string => `conv_${hex(48)}`;
export const newMessageId = (): string => `msg_${hex(48)}`;
export const newFunctionCallItemId = (): string => `fc_${hex(48)}`;
export const newFunctionCallOutputItemId = (): string => `fco_${hex(48)}`;
export const newReasoningId = (): string => `rs_${hex(48)}`;
export const newCallId = (): string => `call_${alphanumeric(24)}`;
export const newChatCompletionId = (): string => `chatcmpl-${alphanumeric(29)}`;
export const newRequestId = (): string => randomUUID();
export const newSystemFingerprint = (): string => `fp_${hex(10)}`;

/** Random padding for `obfuscation` on delta events, as OpenAI sends it (length varies with the delta). */
export function obfuscationFor(delta: string): string {
  return alphanumeric(Math.max(2, 16 - delta.length));
}
