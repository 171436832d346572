import { prepareZXingModule, readBarcodes, type ReaderOptions } from "zxing-wasm/reader";
import type { Rect } from "./guide-box";
import { stretchLocalContrast } from "./local-contrast";
import { findBars, inside, sampleStrip } from "./tilt";

/**
 * The one decode path for LTO labels: the scan worker runs it in the browser, the benchmark and the
 * fake-camera test run it in Node, so what is measured is what ships.
 *
 * Options (measured in docs/PERFORMANCE.md, "Scan"): only Code 39, which is what LTO labels are;
 * tryHarder for blurred and low-contrast frames; no 90° rotations and no inverted codes, which
 * labels never are and which cost time on every frame without a label; one symbol, because the guide
 * box holds one label.
 */
export const READER_OPTIONS: ReaderOptions = {
  formats: ["Code39"],
  tryHarder: true,
  tryRotate: false,
  tryInvert: false,
  maxNumberOfSymbols: 1,
};

/** RGBA pixels, the shape of a DOM ImageData (which Node does not have). */
export type RgbaImage = { data: Uint8ClampedArray; width: number; height: number };

/** Where the decoder's WebAssembly comes from: a URL the app serves, or the bytes themselves (Node). */
export type WasmSource = { url: string } | { bytes: ArrayBuffer };

/**
 * Loads the decoder once; later decodes reuse it. Without this zxing-wasm would fetch its .wasm from a
 * public CDN, which the app must never depend on (offline use, no third party seeing scans).
 */
export async function loadDecoder(source: WasmSource): Promise<void> {
  const overrides =
    "url" in source
      ? { locateFile: (file: string, prefix: string) => (file.endsWith(".wasm") ? source.url : prefix + file) }
      : { wasmBinary: source.bytes };
  await prepareZXingModule({ overrides, fireImmediately: true });
}

/**
 * A grayscale image as a binary PGM file, which the decoder reads directly: the grayscale conversion
 * happens once here and serves every pass, instead of once per pass inside zxing-wasm's JavaScript.
 */
function grayImage(width: number, height: number) {
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const file = new Uint8Array(header.length + width * height);
  file.set(header);
  return { file, pixels: file.subarray(header.length) };
}

function toGray(data: Uint8ClampedArray, out: Uint8Array): Uint8Array {
  // The same weights zxing-wasm uses for ImageData input.
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = (306 * data[j]! + 601 * data[j + 1]! + 117 * data[j + 2]! + 512) >> 10;
  }
  return out;
}

/** Three blocks always hold a wide bar and a wide space of a label that fits the guide box. */
const CONTRAST_BLOCKS_PER_ROW = 64;

/**
 * The barcode along the rows of a grayscale image, or null. A second pass on a locally
 * contrast-stretched copy runs only when the first finds nothing: it recovers labels under glare or in
 * dim, faded print, at the cost of a second decode on images without a label.
 */
async function readRows(plain: ReturnType<typeof grayImage>, width: number, height: number) {
  const [result] = await readBarcodes(plain.file, READER_OPTIONS);
  if (result) return result;
  const stretched = grayImage(width, height);
  const blockWidth = Math.max(2, Math.round(width / CONTRAST_BLOCKS_PER_ROW));
  stretchLocalContrast(plain.pixels, width, height, blockWidth, stretched.pixels);
  const [second] = await readBarcodes(stretched.file, READER_OPTIONS);
  return second ?? null;
}

/** The tilted crop the scanner draws next to the level one (`tiltCrop`), and where the guide box is in it. */
export type TiltImage = { image: RgbaImage; box: Rect };

/** How much longer than the guide box is wide the strip along tilted bars is: room for their quiet zones. */
const STRIP_LENGTH = 1.125;

/** A label turned beyond what the level rows read: found in the tilted crop, read from a strip along it. */
async function readTilted({ image, box }: TiltImage): Promise<string | null> {
  const gray = toGray(image.data, new Uint8Array(image.width * image.height));
  const bars = findBars(gray, image.width, image.height);
  if (!bars) return null;
  let strip: ReturnType<typeof grayImage> | undefined;
  const { width, height, toCrop } = sampleStrip(
    gray,
    image.width,
    image.height,
    bars,
    box.width * STRIP_LENGTH,
    box.height,
    (w, h) => (strip = grayImage(w, h)).pixels,
  );
  const result = await readRows(strip!, width, height);
  if (!result) return null;
  // A label next to the aimed one, whose bars the taller crop also holds, is not the one aimed at.
  const { topLeft, topRight, bottomLeft, bottomRight } = result.position;
  const centre = toCrop(
    (topLeft.x + topRight.x + bottomLeft.x + bottomRight.x) / 4,
    (topLeft.y + topRight.y + bottomLeft.y + bottomRight.y) / 4,
  );
  return inside(centre, box) ? result.text : null;
}

/**
 * The text of the Code 39 barcode in the guide box, or null when there is none. The level crop is read
 * first; only when it yields nothing is the tilted crop, when given, searched for a label held at an
 * angle, so level labels cost what they did before.
 */
export async function decodeFrame({ data, width, height }: RgbaImage, tilted?: TiltImage): Promise<string | null> {
  const plain = grayImage(width, height);
  toGray(data, plain.pixels);
  const level = await readRows(plain, width, height);
  if (level) return level.text;
  return tilted ? readTilted(tilted) : null;
}
