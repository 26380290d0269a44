/**
 * The routes api.openai.com serves under `/v1` that the emulator answers, and the fewer a
 * chat-only server (vLLM's `vllm serve`) has: Chat Completions and the model list, nothing else.
 */

export type OpenAIRoute =
  | "responses.create"
  | "responses.retrieve"
  | "responses.delete"
  | "responses.cancel"
  | "responses.input_items"
  | "chat.create"
  | "models.list"
  | "models.retrieve"
  /** `/v1/conversations` and below: the engine's Conversations API decides each path and method. */
  | "conversations";

/** The route of `method path`, or undefined when the server has none (its 404). */
export function matchOpenAIRoute(method: string, path: string, chatOnly: boolean): OpenAIRoute | undefined {
  const route = matchAny(method, path);
  if (!chatOnly) return route;
  return route === "chat.create" || route === "models.list" ? route : undefined;
}

function matchAny(method: string, path: string): OpenAIRoute | undefined {
  const s = path.split("/").slice(1);
  if (s[0] !== "v1" || s.some((x) => x === "")) return undefined;
  const [, a, b, c] = s;
  if (a === "responses") {
    if (s.length === 2 && method === "POST") return "responses.create";
    if (s.length === 3 && method === "GET") return "responses.retrieve";
    if (s.length === 3 && method === "DELETE") return "responses.delete";
    if (s.length === 4 && c === "cancel" && method === "POST") return "responses.cancel";
    if (s.length === 4 && c === "input_items" && method === "GET") return "responses.input_items";
    return undefined;
  }
  if (a === "conversations" && s.length <= 5) return "conversations";
  if (a === "chat" && b === "completions" && s.length === 3 && method === "POST") return "chat.create";
  if (a === "models" && s.length === 2 && method === "GET") return "models.list";
  if (a === "models" && s.length === 3 && method === "GET") return "models.retrieve";
  return undefined;
}
