import fs from "node:fs";
import { createRequire } from "node:module";
import bwipjs from "bwip-js/node";
import { beforeAll, describe, expect, test } from "vitest";
import { readBarcodes } from "zxing-wasm/reader";
import { decodeFrame, loadDecoder, READER_OPTIONS, type RgbaImage } from "../../app/_client/scanner/decode";

const WIDTH = 1024;
const HEIGHT = 64;
const MODULE = 4;

/** A guide-box crop: `label` as Code 39 bars on paper, on a dark cartridge shell, shaded by `shade(x, level)`. */
function crop(label: string | null, shade: (x: number, level: number) => number = (_, level) => level): RgbaImage {
  const levels = new Array<number>(WIDTH).fill(60);
  if (label) {
    const [symbol] = bwipjs.raw("code39", label, {});
    const widths = symbol && "sbs" in symbol ? symbol.sbs : [];
    const modules = widths.reduce((sum, w) => sum + w, 0) + 20;
    const left = (WIDTH - modules * MODULE) / 2;
    levels.fill(240, left, left + modules * MODULE);
    let x = left + 10 * MODULE;
    widths.forEach((w, i) => {
      if (i % 2 === 0) levels.fill(25, x, x + w * MODULE);
      x += w * MODULE;
    });
  }
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const at = (y * WIDTH + x) * 4;
      data[at] = data[at + 1] = data[at + 2] = shade(x, levels[x]!);
      data[at + 3] = 255;
    }
  }
  return { data, width: WIDTH, height: HEIGHT };
}

beforeAll(async () => {
  const wasm = fs.readFileSync(createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm"));
  await loadDecoder({ bytes: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) });
});

describe("decodeFrame", () => {
  test("reads a label", async () => {
    expect(await decodeFrame(crop("000123L9"))).toBe("000123L9");
  });

  test("returns null when there is no barcode", async () => {
    expect(await decodeFrame(crop(null))).toBeNull();
  });

  test("reads a label the plain pass misses, half washed out by glare, with its contrast pass", async () => {
    // A highlight lifts the ink towards the paper around x = 640: no one threshold serves the whole row.
    const glare = (x: number, level: number) => level + (255 - level) * 0.8 * Math.exp(-(((x - 640) / 70) ** 2) / 2);
    const image = crop("ABC123L8", glare);
    expect(await readBarcodes(image as ImageData, READER_OPTIONS)).toEqual([]);
    expect(await decodeFrame(image)).toBe("ABC123L8");
  });
});
