import type { FrameDecoder } from "./frame-decoder";

// The Barcode Detection API is not in TypeScript's DOM library yet.
type DetectedBarcode = { rawValue: string };
type BarcodeDetectorInstance = { detect(source: ImageBitmapSource): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
};

/**
 * The platform's own detector (Android Chrome, Safari) when it reads Code 39: no WebAssembly to load
 * and typically faster. Null when there is none, so the caller falls back to zxing-wasm.
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
    async decode({ canvas }) {
      const [barcode] = await detector.detect(canvas);
      return barcode?.rawValue ?? null;
    },
    close() {},
  };
}
