import { promisify } from "node:util";
import zlib from "node:zlib";
import { DheeraError, InvalidRequestError } from "@dheera/core";
import { Decompress } from "fzstd";

type Inflate = (bytes: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;

// Node's own decoders; zstd is in zlib from Node 22.15, before that the pure-JS fzstd decodes it.
const nativeZstd = (zlib as { zstdDecompress?: typeof zlib.gunzip }).zstdDecompress;
const DECODERS: Record<string, Inflate> = {
  gzip: promisify(zlib.gunzip) as Inflate,
  "x-gzip": promisify(zlib.gunzip) as Inflate,
  deflate: promisify(zlib.inflate) as Inflate,
  br: promisify(zlib.brotliDecompress) as Inflate,
  zstd: nativeZstd ? (promisify(nativeZstd) as Inflate) : fzstdDecode,
};

/** What `content-encoding` values a request body may have (besides identity). */
export const BODY_ENCODINGS = ["gzip", "br", "zstd", "deflate"] as const;

/**
 * A request body as sent (`content-encoding: gzip | br | zstd | deflate`, as Codex and other
 * clients may compress theirs), decoded with the body limit applied to what it decodes to, so
 * a small compressed body cannot expand past it. Anything else is a 415 naming what is taken.
 */
export async function decodeBody(bytes: Buffer, encoding: string | undefined, limit: number, tooLarge: () => Error): Promise<Buffer> {
  if (encoding === undefined) return bytes;
  const name = encoding.trim().toLowerCase();
  if (name === "" || name === "identity") return bytes;
  const decode = DECODERS[name];
  if (decode === undefined) {
    throw new DheeraError(`Unsupported content-encoding '${encoding.slice(0, 64)}'. Send the body uncompressed or as ${BODY_ENCODINGS.join(", ")}.`, {
      status: 415,
      type: "invalid_request_error",
      code: "unsupported_content_encoding",
    });
  }
  try {
    return await decode(bytes, { maxOutputLength: limit });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || err === TOO_LARGE) throw tooLarge();
    throw new InvalidRequestError(`We could not decode the request body as ${name}: ${(err as Error).message}`, { code: "invalid_content_encoding" });
  }
}

const TOO_LARGE = new RangeError("decoded body over the limit");

async function fzstdDecode(bytes: Buffer, { maxOutputLength }: { maxOutputLength: number }): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  // Streaming, so decoding stops at the limit instead of after building the whole output.
  const stream = new Decompress((chunk) => {
    size += chunk.length;
    if (size > maxOutputLength) throw TOO_LARGE;
    parts.push(chunk);
  });
  stream.push(bytes, true);
  return Buffer.concat(parts, size);
}
