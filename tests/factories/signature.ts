import zlib from "node:zlib";
import { PNG } from "pngjs";

const PREFIX = "data:image/png;base64,";
const asDataUrl = (bytes: Buffer) => `${PREFIX}${bytes.toString("base64")}`;

/** A text chunk of exactly `size` bytes in all (length, type, data, checksum). */
function textChunk(size: number): Buffer {
  const body = Buffer.concat([Buffer.from("tEXtComment\0", "latin1"), Buffer.alloc(size - 12 - 8, "x")]);
  const chunk = Buffer.alloc(size);
  chunk.writeUInt32BE(body.length - 4, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(zlib.crc32(body), size - 4);
  return chunk;
}

/**
 * A signature as the pad sends it: a blank PNG data URL of the given size. With `length`, a comment chunk
 * pads it to that many characters (within 3), to test the largest image accepted.
 */
export function signatureImage({
  width = 300,
  height = 120,
  length,
}: { width?: number; height?: number; length?: number } = {}) {
  const png = PNG.sync.write(new PNG({ width, height }));
  if (length === undefined) return asDataUrl(png);
  const bytes = Math.floor((length - PREFIX.length) / 4) * 3;
  // The padding goes before the closing IEND chunk (the last 12 bytes).
  return asDataUrl(Buffer.concat([png.subarray(0, -12), textChunk(bytes - png.length), png.subarray(-12)]));
}
