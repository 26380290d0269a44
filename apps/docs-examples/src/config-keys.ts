/** Every key a zod config schema accepts, as dotted paths (`general_settings.master_key`). */
import type { z } from "zod";

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };

export function configKeys(schema: z.ZodType, prefix = ""): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...configKeys(value, path)];
      });
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      return configKeys(def.innerType!, prefix);
    case "array":
      return configKeys(def.element!, `${prefix}[]`);
    case "union":
      return [...new Set((def.options ?? []).flatMap((option) => configKeys(option, prefix)))];
    case "pipe":
      return configKeys(def.in!, prefix);
    default:
      return [];
  }
}
