/** Upstream and client payloads are open-ended JSON: these helpers read them without casts everywhere. */
export type Loose = Record<string, unknown>;
export type Warn = (message: string) => void;

export const isObject = (value: unknown): value is Loose => typeof value === "object" && value !== null && !Array.isArray(value);
export const isSet = (value: unknown): boolean => value !== undefined && value !== null;
