/**
 * A Zstandard frame built by hand from raw and RLE blocks (RFC 8878 §3.1): Node 20 has no zstd
 * encoder, and these two block types need none. RLE blocks also make a compression bomb: four
 * bytes that decode to 128 KiB.
 */
export type ZstdBlock = { raw: Uint8Array } | { rle: number; size: number };

const MAX_BLOCK = 128 * 1024;

export function zstdFrame(blocks: ZstdBlock[]): Buffer {
  // Magic, then a frame header of no content size and no checksum, with a 128 KiB window.
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  blocks.forEach((block, i) => {
    const last = i === blocks.length - 1 ? 1 : 0;
    const size = "raw" in block ? block.raw.length : block.size;
    if (size > MAX_BLOCK) throw new RangeError("a block holds at most 128 KiB");
    const header = last | (("raw" in block ? 0 : 1) << 1) | (size << 3);
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]));
    parts.push("raw" in block ? Buffer.from(block.raw) : Buffer.from([block.rle]));
  });
  return Buffer.concat(parts);
}

/** Bytes as one zstd frame of raw blocks. */
export function zstdRaw(bytes: Uint8Array): Buffer {
  const blocks: ZstdBlock[] = [];
  for (let at = 0; at < bytes.length; at += MAX_BLOCK) blocks.push({ raw: bytes.subarray(at, at + MAX_BLOCK) });
  return zstdFrame(blocks.length > 0 ? blocks : [{ raw: new Uint8Array() }]);
}
