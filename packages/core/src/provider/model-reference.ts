/** `azure/responses/my-dep` -> provider `azure`, model `responses/my-dep`. */
export interface ModelReference {
  /** The whole reference as the user wrote it. */
  readonly raw: string;
  /** The prefix before the first `/`. */
  readonly provider: string;
  /** Everything after the first `/`: the provider decides what it means. */
  readonly model: string;
}

export function parseModelReference(raw: string): ModelReference | undefined {
  const slash = raw.indexOf("/");
  if (slash <= 0 || slash === raw.length - 1) return undefined;
  return { raw, provider: raw.slice(0, slash), model: raw.slice(slash + 1) };
}
