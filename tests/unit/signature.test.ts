import zlib from "node:zlib";
import { PNG, type ColorType } from "pngjs";
import { describe, expect, test } from "vitest";
import { ADAM7, signatureProblem, signatureProblemOffThread } from "../../server/custody/signature";
import { pngChunk, withScanlines } from "../factories/signature";

const asDataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString("base64")}`;
const DAMAGED = "The signature image is damaged or incomplete";

/** A pen stroke's worth of varied pixels, so the encoder picks different filters from row to row. */
function drawn(width: number, height: number): PNG {
  const png = new PNG({ width, height });
  for (let index = 0; index < png.data.length; index++) png.data[index] = (index * 7919 + (index >> 9) * 31) % 251;
  return png;
}

/**
 * An 8-bit greyscale PNG interlaced with Adam7 (pngjs writes none), its passes' scanlines unfiltered; pngjs
 * reading it back is what vouches for the passes' geometry.
 */
function interlaced(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (const [x, y, dx, dy] of ADAM7) {
    const passWidth = Math.ceil(Math.max(0, width - x) / dx);
    const passHeight = Math.ceil(Math.max(0, height - y) / dy);
    if (passWidth === 0) continue;
    for (let row = 0; row < passHeight; row++)
      rows.push(Buffer.concat([Buffer.from([0]), Buffer.alloc(passWidth, row % 200)]));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 1], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

const decodes = (bytes: Buffer) => {
  try {
    PNG.sync.read(bytes);
    return true;
  } catch {
    return false;
  }
};

describe("signatureProblem", () => {
  test.each([
    [0, 8],
    [2, 8],
    [4, 8],
    [6, 8],
    [0, 16],
    [6, 16],
  ] as [ColorType, 8 | 16][])("a sound image of colour type %i at %i bits is accepted", (colorType, bitDepth) => {
    const bytes = PNG.sync.write(drawn(97, 41), { colorType, bitDepth, inputHasAlpha: true });
    expect(decodes(bytes)).toBe(true);
    expect(signatureProblem(asDataUrl(bytes))).toBeNull();
  });

  test.each([
    [1, 1],
    [1100, 1024],
  ])(
    "a %i×%i image is accepted: the inflate buffer fits the smallest image and grows past a chunk",
    (width, height) => {
      const bytes = PNG.sync.write(drawn(width, height), { colorType: 6, bitDepth: 8 });
      expect(signatureProblem(asDataUrl(bytes))).toBeNull();
    },
  );

  test("an interlaced image is accepted, and refused with a pass's row cut short", () => {
    const sound = interlaced(37, 19);
    expect(decodes(sound)).toBe(true);
    expect(signatureProblem(asDataUrl(sound))).toBeNull();

    const data = zlib.inflateSync(sound.subarray(41, sound.length - 16));
    expect(signatureProblem(withScanlines(sound, data.subarray(0, -1)))).toBe(DAMAGED);
  });

  test("image data longer than the header's scanlines, or with an unknown filter type, is refused", () => {
    const sound = PNG.sync.write(drawn(20, 10), { colorType: 0, inputHasAlpha: true });
    const data = zlib.inflateSync(sound.subarray(41, sound.length - 16));
    const rebuilt = (scanlines: Buffer) => withScanlines(sound, scanlines);
    expect(signatureProblem(rebuilt(data))).toBeNull();
    expect(signatureProblem(rebuilt(Buffer.concat([data, Buffer.alloc(1)])))).toBe(DAMAGED);
    expect(signatureProblem(rebuilt(Buffer.concat([data, Buffer.alloc(21)])))).toBe(DAMAGED);
    const unknownFilter = Buffer.from(data);
    unknownFilter[21] = 5;
    expect(signatureProblem(rebuilt(unknownFilter))).toBe(DAMAGED);
  });

  test("whatever a decoder cannot read is refused: every truncation and a changed byte at every offset", () => {
    const sound = PNG.sync.write(drawn(64, 24));
    const variants = [
      ...Array.from({ length: sound.length }, (_, length) => sound.subarray(0, length)),
      ...Array.from({ length: sound.length }, (_, offset) => {
        const changed = Buffer.from(sound);
        changed[offset] = changed[offset]! ^ 0x5a;
        return changed;
      }),
    ];
    const missed = variants.filter((bytes) => !decodes(bytes) && signatureProblem(asDataUrl(bytes)) === null);
    expect(missed).toEqual([]);
    // Checksums cover every byte after the signature and IHDR's size fields: nothing changed there passes.
    const accepted = variants.slice(sound.length).filter((bytes) => signatureProblem(asDataUrl(bytes)) === null);
    expect(accepted).toEqual([]);
  });

  test("checked on the thread pool, every image gets the answer it gets checked in line", async () => {
    const sound = PNG.sync.write(drawn(64, 24));
    const data = zlib.inflateSync(sound.subarray(41, sound.length - 16));
    const rebuilt = (scanlines: Buffer) => withScanlines(sound, scanlines);
    const unknownFilter = Buffer.from(data);
    unknownFilter[257] = 5;
    const images = [
      asDataUrl(sound),
      asDataUrl(PNG.sync.write(drawn(1100, 1024))),
      asDataUrl(Buffer.from(interlaced(9, 7))),
      "data:image/jpeg;base64,AAAA",
      asDataUrl(PNG.sync.write(new PNG({ width: 5000, height: 10 }))),
      rebuilt(Buffer.concat([data, Buffer.alloc(1)])),
      rebuilt(unknownFilter),
      ...Array.from({ length: sound.length }, (_, length) => asDataUrl(sound.subarray(0, length))),
      ...Array.from({ length: sound.length }, (_, offset) => {
        const changed = Buffer.from(sound);
        changed[offset] = changed[offset]! ^ 0x5a;
        return asDataUrl(changed);
      }),
    ];
    const inLine = images.map(signatureProblem);
    expect(inLine.filter((problem) => problem === null).length).toBeGreaterThanOrEqual(3);
    expect(await Promise.all(images.map(signatureProblemOffThread))).toEqual(inLine);
  });
});
