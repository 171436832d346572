import { PNG } from "pngjs";

/**
 * The largest signature image accepted: a signature pad spans at most a wide screen at a pixel ratio of a
 * few (the pad is 160 CSS pixels high). The limits are checked on the header before any pixel is inflated,
 * so a small file claiming a huge image (a decompression bomb) costs nothing.
 */
export const MAX_SIGNATURE_WIDTH = 4096;
export const MAX_SIGNATURE_HEIGHT = 1024;

const PREFIX = "data:image/png;base64,";
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Why a signature (a PNG data URL, already within the schema's size limit) is not an image the app keeps,
 * or null when it is: it must decode completely, checksums included, within the size limits.
 */
export function signatureProblem(dataUrl: string): string | null {
  if (!dataUrl.startsWith(PREFIX)) return "The signature must be a PNG image";
  const bytes = Buffer.from(dataUrl.slice(PREFIX.length), "base64");
  // The signature (8 bytes), then the IHDR chunk: length, "IHDR", width, height.
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_MAGIC) || bytes.toString("latin1", 12, 16) !== "IHDR")
    return "The signature is not a PNG image";
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0) return "The signature image is empty";
  if (width > MAX_SIGNATURE_WIDTH || height > MAX_SIGNATURE_HEIGHT)
    return `The signature image is too large (${width}×${height}; at most ${MAX_SIGNATURE_WIDTH}×${MAX_SIGNATURE_HEIGHT} pixels)`;
  try {
    PNG.sync.read(bytes);
  } catch {
    return "The signature image is damaged or incomplete";
  }
  return null;
}
