/** `host:port` of an upstream URL, for error messages: never its path, query or credentials. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}
