import zlib from "node:zlib";

/**
 * The largest signature image accepted: a signature pad spans at most a wide screen at a pixel ratio of a
 * few (the pad is 160 CSS pixels high). The limits are checked on the header before any pixel is inflated,
 * so a small file claiming a huge image (a decompression bomb) costs nothing.
 */
export const MAX_SIGNATURE_WIDTH = 4096;
export const MAX_SIGNATURE_HEIGHT = 1024;

const PREFIX = "data:image/png;base64,";
/** A pad's image at a phone's pixel ratio fits; a header claiming more is not allocated for up front. */
const ONE_CHUNK = 4 * 1024 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Samples per pixel of each PNG colour type, and the bit depths the format allows for it. */
const COLOUR_TYPES = new Map([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { channels: 3, depths: [8, 16] }],
  [3, { channels: 1, depths: [1, 2, 4, 8] }],
  [4, { channels: 2, depths: [8, 16] }],
  [6, { channels: 4, depths: [8, 16] }],
]);

/** Adam7's seven passes: where each starts and how far apart its pixels are, across and down. */
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

type Header = { width: number; height: number; bitsPerPixel: number; interlaced: boolean };

/** The (width, height) of each sub-image the scanlines come in: the whole image, or Adam7's seven passes. */
function subImages({ width, height, interlaced }: Header): [number, number][] {
  if (!interlaced) return [[width, height]];
  return ADAM7.map(([x, y, dx, dy]): [number, number] => [
    Math.ceil(Math.max(0, width - x) / dx),
    Math.ceil(Math.max(0, height - y) / dy),
  ]).filter(([w, h]) => w > 0 && h > 0);
}

/** The bytes of one scanline of a sub-image `width` pixels wide, its filter-type byte included. */
const rowBytes = (width: number, { bitsPerPixel }: Header) => 1 + Math.ceil((width * bitsPerPixel) / 8);

/**
 * Whether the inflated image data is every scanline the header promises, each led by a known filter type
 * (0–4), and nothing more.
 */
function scanlinesComplete(data: Buffer, header: Header): boolean {
  let offset = 0;
  for (const [width, height] of subImages(header)) {
    const bytes = rowBytes(width, header);
    for (let row = 0; row < height; row++, offset += bytes) {
      if (offset + bytes > data.length || data[offset]! > 4) return false;
    }
  }
  return offset === data.length;
}

/**
 * The image data of a PNG whose chunks are all whole with matching checksums, from IHDR to IEND, or null.
 * A palette image must carry its palette before the data.
 */
function imageData(bytes: Buffer, colourType: number): Buffer | null {
  const data: Buffer[] = [];
  let palette = false;
  for (let offset = 8; offset + 12 <= bytes.length;) {
    const length = bytes.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    if (zlib.crc32(bytes.subarray(offset + 4, end - 4)) !== bytes.readUInt32BE(end - 4)) return null;
    if (type === "PLTE") palette = true;
    if (type === "IDAT") data.push(bytes.subarray(offset + 8, end - 4));
    if (type === "IEND")
      return end === bytes.length && data.length > 0 && (colourType !== 3 || palette) ? Buffer.concat(data) : null;
    offset = end;
  }
  return null;
}

const DAMAGED = "The signature image is damaged or incomplete";

/** What is left to check of a signature once its header and chunks pass: its image data, inflated. */
type Inflation = { compressed: Buffer; options: zlib.ZlibOptions; header: Header };

/**
 * The checks before anything is inflated: the data URL, the PNG header within the size limits, every chunk
 * whole with its checksum. Returns the problem, or the image data to inflate and how.
 */
function inspect(dataUrl: string): string | Inflation {
  if (!dataUrl.startsWith(PREFIX)) return "The signature must be a PNG image";
  const bytes = Buffer.from(dataUrl.slice(PREFIX.length), "base64");
  // The signature (8 bytes), then the IHDR chunk: length, "IHDR", width, height, depth, colour type,
  // compression, filter and interlace methods.
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_MAGIC) || bytes.toString("latin1", 12, 16) !== "IHDR")
    return "The signature is not a PNG image";
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) return "The signature image is empty";
  if (width > MAX_SIGNATURE_WIDTH || height > MAX_SIGNATURE_HEIGHT)
    return `The signature image is too large (${width}×${height}; at most ${MAX_SIGNATURE_WIDTH}×${MAX_SIGNATURE_HEIGHT} pixels)`;
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13) return DAMAGED;
  const [depth, colourType, compression, filter, interlace] = bytes.subarray(24, 29);
  const colour = COLOUR_TYPES.get(colourType!);
  if (!colour?.depths.includes(depth!) || compression !== 0 || filter !== 0 || interlace! > 1) return DAMAGED;
  const header = { width, height, bitsPerPixel: colour.channels * depth!, interlaced: interlace === 1 };
  const compressed = imageData(bytes, colourType!);
  if (!compressed) return DAMAGED;
  const expected = subImages(header).reduce((sum, [width, height]) => sum + height * rowBytes(width, header), 0);
  // One byte more than the scanlines need shows data that goes on past them without inflating all of it.
  // Inflated into one buffer where it fits in ONE_CHUNK, rather than into 16 KB pieces joined afterwards:
  // a synced batch checks a couple of megabytes of pixels per signature, and twice the allocation shows.
  const chunkSize = Math.max(zlib.constants.Z_MIN_CHUNK, Math.min(expected + 1, ONE_CHUNK));
  return { compressed, options: { maxOutputLength: expected + 1, chunkSize }, header };
}

/**
 * Why a signature (a PNG data URL, already within the schema's size limit) is not an image the app keeps,
 * or null when it is: every chunk whole with its checksum, and the image data inflating (its own checksum
 * included) to exactly the scanlines the header promises, within the size limits. The pixels themselves are
 * not unfiltered: the checks above are what a decoder would fail on, at a quarter of the cost, and a batch of
 * a courier's cases checks one signature per case.
 */
export function signatureProblem(dataUrl: string): string | null {
  const inflation = inspect(dataUrl);
  if (typeof inflation === "string") return inflation;
  try {
    return scanlinesComplete(zlib.inflateSync(inflation.compressed, inflation.options), inflation.header)
      ? null
      : DAMAGED;
  } catch {
    return DAMAGED;
  }
}

/**
 * `signatureProblem`, with the inflating done on libuv's thread pool: a synced batch starts its cases'
 * checks before its first statement and has the answers by the time it applies the cases, instead of
 * stopping for the largest piece of CPU work it does.
 */
export function signatureProblemOffThread(dataUrl: string): Promise<string | null> {
  const inflation = inspect(dataUrl);
  if (typeof inflation === "string") return Promise.resolve(inflation);
  return new Promise((resolve) => {
    zlib.inflate(inflation.compressed, inflation.options, (error, data) =>
      resolve(!error && scanlinesComplete(data, inflation.header) ? null : DAMAGED),
    );
  });
}
