/**
 * Deterministic function-call arguments built from a tool's JSON schema: every required
 * property gets a plausible fixed value (`"Paris"` for a city, the first enum member, 42 …),
 * so tests know exactly which call the emulated model makes.
 */

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

const STRING_BY_NAME: Array<[RegExp, string]> = [
  [/city|location|place|destination|town|where/i, "Paris"],
  [/country/i, "France"],
  [/timezone|time_zone|^tz$/i, "Europe/Paris"],
  [/date|day/i, "2025-01-01"],
  [/time/i, "12:00"],
  [/e-?mail/i, "luna@example.com"],
  [/url|link|href/i, "https://example.com"],
  [/query|search|question|prompt|text|topic/i, "unicorn"],
  [/name|user|person/i, "Luna"],
  [/id$/i, "id_123"],
  [/lang/i, "en"],
  [/unit/i, "celsius"],
];

export function exampleValue(schema: unknown, propertyName = "", depth = 0): unknown {
  if (!isObject(schema) || depth > 8) return "Paris";
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("default" in schema && schema.default !== undefined) return schema.default;
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const nonNull = options.find((o) => !(isObject(o) && o.type === "null")) ?? options[0];
      return exampleValue(nonNull, propertyName, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== "null") ?? "null") : schema.type;
  switch (type) {
    case "string":
      return exampleString(schema, propertyName);
    case "integer":
      return clamp(1, schema);
    case "number":
      return clamp(42, schema);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array": {
      const minItems = typeof schema.minItems === "number" ? schema.minItems : 1;
      return Array.from({ length: Math.max(1, minItems) }, () => exampleValue(schema.items, propertyName, depth + 1));
    }
    case "object":
      return exampleObject(schema, depth);
    default:
      return isObject(schema.properties) ? exampleObject(schema, depth) : "Paris";
  }
}

function exampleString(schema: Schema, name: string): string {
  if (schema.format === "date") return "2025-01-01";
  if (schema.format === "date-time") return "2025-01-01T12:00:00Z";
  if (schema.format === "email") return "luna@example.com";
  if (schema.format === "uri") return "https://example.com";
  for (const [pattern, value] of STRING_BY_NAME) if (pattern.test(name)) return value;
  return "Paris";
}

function clamp(value: number, schema: Schema): number {
  let out = value;
  if (typeof schema.minimum === "number" && out < schema.minimum) out = schema.minimum;
  if (typeof schema.maximum === "number" && out > schema.maximum) out = schema.maximum;
  return out;
}

function exampleObject(schema: Schema, depth: number): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
  const out: Record<string, unknown> = {};
  for (const name of required) out[name] = exampleValue(properties[name], name, depth + 1);
  return out;
}

/** The JSON arguments string for a call to a tool with these `parameters`. */
export function argumentsFromSchema(parameters: unknown): string {
  return JSON.stringify(isObject(parameters) ? exampleObject(parameters, 0) : {});
}
