/**
 * Finds the fenced code blocks of a markdown page, with what the runner needs to name and run
 * them: the language, the heading path above the block (its stable key) and an optional
 * `<!-- not-runnable: reason -->` marker.
 */

export interface CodeBlock {
  /** Repository-relative path of the page, e.g. `docs/sdk.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** First word of the info string, lower-cased; `""` for a bare fence. */
  lang: string;
  /** The whole info string after the fence characters. */
  info: string;
  /** The `title="..."` attribute of the info string, when there is one. */
  title: string | undefined;
  /** The block's text exactly as a reader copies it (the fence's own indentation removed). */
  code: string;
  /** Headings above the block, outermost first, from level 2 down (the page title when none). */
  headings: string[];
  /** `headings` joined with ` > `, plus ` (n)` for the n-th block under the same headings. */
  key: string;
  /** The reason given by a `<!-- not-runnable: reason -->` comment right before the fence. */
  notRunnable: string | undefined;
}

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const NOT_RUNNABLE = /^ *<!--\s*not-runnable\s*:(.*?)-->\s*$/;
const ANY_MARKER = /^ *<!--\s*not[-_ ]?runnable\b/i;

export class MarkdownError extends Error {}

/** Plain text of a heading: inline code, emphasis and links reduced to their text. */
export function headingText(raw: string): string {
  return raw
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, "$2")
    .trim();
}

export function parseCodeBlocks(file: string, markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const stack: { level: number; text: string }[] = [];
  let title: string | undefined;
  const seen = new Map<string, number>();

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const text = headingText(heading[2]!);
      if (level === 1) {
        title ??= text;
        stack.length = 0;
        continue;
      }
      while (stack.length > 0 && stack.at(-1)!.level >= level) stack.pop();
      stack.push({ level, text });
      continue;
    }

    const open = FENCE_OPEN.exec(line);
    if (!open) continue;
    const indent = open[1]!.length;
    const fence = open[2]!;
    const info = open[3]!.trim();
    if (fence[0] === "`" && info.includes("`")) continue; // not a fence: inline code
    const closing = new RegExp(`^ *${fence[0] === "`" ? "`" : "~"}{${fence.length},}[ \\t]*$`);

    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !closing.test(lines[j]!); j++) body.push(stripIndent(lines[j]!, indent));
    if (j >= lines.length) throw new MarkdownError(`${file}:${i + 1}: code block is never closed`);

    const headings = stack.length > 0 ? stack.map((h) => h.text) : [title ?? file];
    const base = headings.join(" > ");
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);

    blocks.push({
      file,
      line: i + 1,
      lang: (info.split(/\s+/)[0] ?? "").toLowerCase(),
      info,
      title: /(?:^|\s)title="([^"]*)"/.exec(info)?.[1],
      code: body.join("\n") + "\n",
      headings,
      key: n === 1 ? base : `${base} (${n})`,
      notRunnable: markerBefore(file, lines, i),
    });
    i = j;
  }
  return blocks;
}

/** Removes up to `indent` leading spaces, as CommonMark does for an indented fence. */
function stripIndent(line: string, indent: number): string {
  let k = 0;
  while (k < indent && line[k] === " ") k++;
  return line.slice(k);
}

/** The reason of a `<!-- not-runnable: reason -->` comment on the nearest non-blank line above. */
function markerBefore(file: string, lines: string[], fenceIndex: number): string | undefined {
  let k = fenceIndex - 1;
  while (k >= 0 && lines[k]!.trim() === "") k--;
  if (k < 0) return undefined;
  const candidate = lines[k]!;
  const marker = NOT_RUNNABLE.exec(candidate);
  if (marker) {
    const reason = marker[1]!.trim();
    if (reason === "") throw new MarkdownError(`${file}:${k + 1}: a not-runnable marker needs a reason: <!-- not-runnable: why -->`);
    return reason;
  }
  if (ANY_MARKER.test(candidate)) {
    throw new MarkdownError(`${file}:${k + 1}: malformed marker; write it as <!-- not-runnable: reason --> on one line`);
  }
  return undefined;
}
