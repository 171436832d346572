import { afterEach, describe, expect, test } from "vitest";
import type { CropSurface } from "../../app/_client/scanner/crop-surface";
import { createNativeDecoder } from "../../app/_client/scanner/native-decoder";

type Found = { rawValue: string; boundingBox: { x: number; y: number; width: number; height: number } };

const level = { name: "level" };
const tilted = { name: "tilted" };
// The guide box on the tilted canvas, as `tiltCrop` places it at 1280×720.
const surface = {
  canvas: level,
  tilted: { canvas: tilted },
  tiltBox: { x: 0, y: 145, width: 640, height: 160 },
} as unknown as CropSurface;

/** A platform detector that finds `found` on each canvas, and records which canvases it was asked about. */
function fakeDetector(found: Map<object, Found[]>) {
  const asked: string[] = [];
  (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector = class {
    static getSupportedFormats = async () => ["code_39"];
    async detect(canvas: { name: string }) {
      asked.push(canvas.name);
      return found.get(canvas) ?? [];
    }
  };
  return asked;
}

const at = (rawValue: string, x: number, y: number): Found => ({
  rawValue,
  boundingBox: { x: x - 200, y: y - 60, width: 400, height: 120 },
});

afterEach(() => {
  delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector;
});

describe("platform barcode detector", () => {
  test("reads the guide box and leaves the tilted crop alone when the box has a label", async () => {
    const asked = fakeDetector(new Map([[level, [at("000123L9", 500, 30)]]]));
    const decoder = (await createNativeDecoder())!;
    expect(await decoder.decode(surface)).toBe("000123L9");
    expect(asked).toEqual(["level"]);
  });

  test("reads a label held at an angle from the tilted crop when the box yields nothing", async () => {
    const asked = fakeDetector(new Map([[tilted, [at("000123L9", 320, 225)]]]));
    const decoder = (await createNativeDecoder())!;
    expect(await decoder.decode(surface)).toBe("000123L9");
    expect(asked).toEqual(["level", "tilted"]);
  });

  test("takes from the tilted crop only a label centred in the guide box, not a neighbour above or below", async () => {
    fakeDetector(new Map([[tilted, [at("000777L9", 320, 100), at("000123L9", 320, 250), at("000888L9", 320, 350)]]]));
    const decoder = (await createNativeDecoder())!;
    expect(await decoder.decode(surface)).toBe("000123L9");
    fakeDetector(new Map([[tilted, [at("000777L9", 320, 100), at("000888L9", 320, 350)]]]));
    expect(await (await createNativeDecoder())!.decode(surface)).toBeNull();
  });
});
