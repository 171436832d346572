import { ScannerError } from "./errors";
import type { CropRect } from "./guide-box";

/** The canvas the guide-box part of each video frame is drawn on, for the decoder to read. */
export type CropSurface = {
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
  draw(video: HTMLVideoElement, crop: CropRect): void;
};

// The zxing-wasm path reads the pixels back every frame: a CPU-backed canvas makes that cheap.
const CONTEXT_OPTIONS: CanvasRenderingContext2DSettings = { alpha: false, willReadFrequently: true };

function newCanvas(): Pick<CropSurface, "canvas"> & { context: CropSurface["context"] | null } {
  // OffscreenCanvas keeps the crop out of the document; older Safari only has the element.
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(1, 1);
    return { canvas, context: canvas.getContext("2d", CONTEXT_OPTIONS) };
  }
  const canvas = document.createElement("canvas");
  return { canvas, context: canvas.getContext("2d", CONTEXT_OPTIONS) };
}

export function createCropSurface(): CropSurface {
  const { canvas, context } = newCanvas();
  if (!context) throw new ScannerError("unsupported");
  return {
    canvas,
    context,
    draw(video, crop) {
      if (canvas.width !== crop.width || canvas.height !== crop.height) {
        canvas.width = crop.width;
        canvas.height = crop.height;
      }
      context.drawImage(video, crop.sx, crop.sy, crop.sw, crop.sh, 0, 0, crop.width, crop.height);
    },
  };
}
