import type { FrameDecoder } from "./frame-decoder";
import { inside } from "./tilt";

// The Barcode Detection API is not in TypeScript's DOM library yet.
type DetectedBarcode = { rawValue: string; boundingBox: DOMRectReadOnly };
type BarcodeDetectorInstance = { detect(source: ImageBitmapSource): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
};

/**
 * The platform's own detector (Android Chrome, Safari) when it reads Code 39: no WebAssembly to load
 * and typically faster. Null when there is none, so the caller falls back to zxing-wasm.
 *
 * Like the zxing-wasm path it reads the guide box first and the taller tilted crop only when the box
 * yields nothing, and from the tilted crop takes only a label centred in the guide box: a neighbouring
 * cartridge's label that the taller crop also shows is not the one aimed at.
 */
export async function createNativeDecoder(): Promise<FrameDecoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    if (!(await Detector.getSupportedFormats()).includes("code_39")) return null;
  } catch {
    return null;
  }
  const detector = new Detector({ formats: ["code_39"] });
  return {
    engine: "barcode-detector",
    async decode({ canvas, tilted, tiltBox }) {
      const [level] = await detector.detect(canvas);
      if (level) return level.rawValue;
      const found = await detector.detect(tilted.canvas);
      const aimed = found.find(({ boundingBox: { x, y, width, height } }) =>
        inside({ x: x + width / 2, y: y + height / 2 }, tiltBox),
      );
      return aimed?.rawValue ?? null;
    },
    close() {},
  };
}
