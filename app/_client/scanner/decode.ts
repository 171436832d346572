import { prepareZXingModule, readBarcodes, type ReaderOptions } from "zxing-wasm/reader";
import { stretchLocalContrast } from "./local-contrast";

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
 * happens once here and serves both passes, instead of once per pass inside zxing-wasm's JavaScript.
 */
function grayImage(width: number, height: number) {
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const file = new Uint8Array(header.length + width * height);
  file.set(header);
  return { file, pixels: file.subarray(header.length) };
}

async function read(file: Uint8Array): Promise<string | null> {
  const [result] = await readBarcodes(file, READER_OPTIONS);
  return result?.text ?? null;
}

/** Three blocks always hold a wide bar and a wide space of a label that fits the guide box. */
const CONTRAST_BLOCKS_PER_ROW = 64;

/**
 * The text of the Code 39 barcode in the image, or null when there is none. A second pass on a
 * locally contrast-stretched copy runs only when the first finds nothing: it recovers labels under
 * glare or in dim, faded print, at the cost of a second decode on frames without a label.
 */
export async function decodeFrame({ data, width, height }: RgbaImage): Promise<string | null> {
  const plain = grayImage(width, height);
  // The same weights zxing-wasm uses for ImageData input.
  for (let i = 0, j = 0; i < plain.pixels.length; i++, j += 4) {
    plain.pixels[i] = (306 * data[j]! + 601 * data[j + 1]! + 117 * data[j + 2]! + 512) >> 10;
  }
  const text = await read(plain.file);
  if (text !== null) return text;

  const stretched = grayImage(width, height);
  const blockWidth = Math.max(2, Math.round(width / CONTRAST_BLOCKS_PER_ROW));
  stretchLocalContrast(plain.pixels, width, height, blockWidth, stretched.pixels);
  return read(stretched.file);
}
