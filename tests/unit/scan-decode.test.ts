import fs from "node:fs";
import { createRequire } from "node:module";
import bwipjs from "bwip-js/node";
import { beforeAll, describe, expect, test } from "vitest";
import { readBarcodes } from "zxing-wasm/reader";
import { decodeFrame, loadDecoder, READER_OPTIONS, type RgbaImage } from "../../app/_client/scanner/decode";
import { createLabelFilter } from "../../app/_client/scanner/label-filter";

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

/** One flag per module of `label` as Code 39, quiet zones of 10 modules included (1 = bar). */
function modules(label: string): number[] {
  const [symbol] = bwipjs.raw("code39", label, {});
  const widths = symbol && "sbs" in symbol ? symbol.sbs : [];
  return [
    ...Array<number>(10).fill(0),
    ...widths.flatMap((w, i) => Array<number>(w).fill(i % 2 ? 0 : 1)),
    ...Array<number>(10).fill(0),
  ];
}

/**
 * A camera frame around the guide box as the scanner crops it at 1280×720 (`tiltCrop`: 640×450 with the
 * box 160 px tall at y = 145; `guideBoxCrop`: that box at 1024×64), holding `bars` (one flag per module,
 * `module` px each, on a paper label 27 modules tall) turned `degrees` about `centre`.
 */
function tiltedFrame(bars: number[], degrees: number, { centre = { x: 320, y: 225 }, module = 3.2 } = {}) {
  const box = { x: 0, y: 145, width: 640, height: 160 };
  const width = 640;
  const height = 450;
  const cos = Math.cos((degrees * Math.PI) / 180);
  const sin = Math.sin((degrees * Math.PI) / 180);
  const level = (x: number, y: number) => {
    const u = ((x - centre.x) * cos + (y - centre.y) * sin) / module + bars.length / 2;
    const v = (-(x - centre.x) * sin + (y - centre.y) * cos) / module;
    if (u < 0 || u >= bars.length || Math.abs(v) > 13.5) return 60;
    return bars[Math.floor(u)] ? 25 : 235;
  };
  const gray = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [dx, dy] of [
        [0.25, 0.25],
        [0.75, 0.25],
        [0.25, 0.75],
        [0.75, 0.75],
      ] as const)
        sum += level(x + dx, y + dy);
      gray[y * width + x] = sum / 4;
    }
  }
  const rgba = (w: number, h: number, value: (x: number, y: number) => number): RgbaImage => {
    const data = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = (y * w + x) * 4;
        data[at] = data[at + 1] = data[at + 2] = value(x, y);
        data[at + 3] = 255;
      }
    }
    return { data, width: w, height: h };
  };
  // The level crop: the box at 1024 px wide, one row for four.
  const scale = width / 1024;
  const crop = rgba(1024, 64, (x, y) => {
    const sx = Math.min(width - 1, Math.floor((x + 0.5) * scale));
    const sy = box.y + Math.floor((y + 0.5) * 4 * scale);
    return gray[sy * width + sx]!;
  });
  return { crop, tilted: { image: rgba(width, height, (x, y) => gray[y * width + x]!), box } };
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

  describe("a label held at an angle", () => {
    test.each([15, -15, 30, -30, 22])(
      "is read at %i° from the tilted crop, which the level rows miss",
      async (degrees) => {
        const { crop, tilted } = tiltedFrame(modules("ABC123L8"), degrees);
        expect(await decodeFrame(crop)).toBeNull();
        expect(await decodeFrame(crop, tilted)).toBe("ABC123L8");
      },
    );

    test("is not read when its centre is outside the guide box: a neighbouring cartridge's label", async () => {
      // Centred 35 px above the box, all of it inside the tilted crop.
      const neighbour = tiltedFrame(modules("ABC123L8"), 15, { centre: { x: 320, y: 110 }, module: 2.6 });
      expect(await decodeFrame(neighbour.crop, neighbour.tilted)).toBeNull();
      const aimed = tiltedFrame(modules("ABC123L8"), 15, { centre: { x: 320, y: 150 }, module: 2.6 });
      expect(await decodeFrame(aimed.crop, aimed.tilted)).toBe("ABC123L8");
    });

    test("stripes that are not a barcode stay unread", async () => {
      let state = 7;
      const stripes = Array.from({ length: 180 }, () => ((state = (state * 48271) % 2147483647) % 3 === 0 ? 1 : 0));
      const { crop, tilted } = tiltedFrame(stripes, 30);
      expect(await decodeFrame(crop, tilted)).toBeNull();
    });

    test("a Code 39 value that is not an LTO label is read but never reported", async () => {
      const { crop, tilted } = tiltedFrame(modules("HELLO42"), 30);
      const text = await decodeFrame(crop, tilted);
      expect(text).toBe("HELLO42");
      const filter = createLabelFilter();
      expect([filter.offer(text), filter.offer(text)]).toEqual([null, null]);
    });
  });
});
