import zlib from "node:zlib";
import { PNG } from "pngjs";

const PREFIX = "data:image/png;base64,";
const asDataUrl = (bytes: Buffer) => `${PREFIX}${bytes.toString("base64")}`;

/** A PNG chunk: its length, type, data and checksum. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const framed = Buffer.alloc(body.length + 8);
  framed.writeUInt32BE(data.length, 0);
  body.copy(framed, 4);
  framed.writeUInt32BE(zlib.crc32(body), body.length + 4);
  return framed;
}

/**
 * A signature `png` (PNG bytes) with its image data replaced by `scanlines`, deflated: every chunk whole
 * and checked, the pixels whatever they are given as.
 */
export const withScanlines = (png: Buffer, scanlines: Buffer) =>
  asDataUrl(
    Buffer.concat([
      png.subarray(0, 33),
      pngChunk("IDAT", zlib.deflateSync(scanlines)),
      pngChunk("IEND", Buffer.alloc(0)),
    ]),
  );

/** A text chunk of exactly `size` bytes in all (length, type, data, checksum). */
const textChunk = (size: number) =>
  pngChunk("tEXt", Buffer.concat([Buffer.from("Comment\0", "latin1"), Buffer.alloc(size - 12 - 8, "x")]));

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
