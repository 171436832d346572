import { ScannerError } from "./errors";
import type { CropRect, Rect, TiltCrop } from "./guide-box";

type Canvas = {
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
};

/**
 * The canvases the parts of each video frame are drawn on, for the decoder to read: the guide box,
 * and the taller crop around it that a label held at an angle needs.
 */
export type CropSurface = Canvas & {
  readonly tilted: Canvas;
  /** Where the guide box lies on the tilted canvas, as last drawn. */
  readonly tiltBox: Rect;
  draw(video: HTMLVideoElement, crop: CropRect, tilt: TiltCrop): void;
};

// The zxing-wasm path reads the pixels back every frame: a CPU-backed canvas makes that cheap.
const CONTEXT_OPTIONS: CanvasRenderingContext2DSettings = { alpha: false, willReadFrequently: true };

function newCanvas(): Canvas {
  const { canvas, context } = canvasAndContext();
  if (!context) throw new ScannerError("unsupported");
  return { canvas, context };
}

function canvasAndContext(): Pick<Canvas, "canvas"> & { context: Canvas["context"] | null } {
  // OffscreenCanvas keeps the crop out of the document; older Safari only has the element.
  if (typeof OffscreenCanvas === "function") {
    const canvas = new OffscreenCanvas(1, 1);
    return { canvas, context: canvas.getContext("2d", CONTEXT_OPTIONS) };
  }
  const canvas = document.createElement("canvas");
  return { canvas, context: canvas.getContext("2d", CONTEXT_OPTIONS) };
}

function drawOn({ canvas, context }: Canvas, video: HTMLVideoElement, crop: CropRect) {
  if (canvas.width !== crop.width || canvas.height !== crop.height) {
    canvas.width = crop.width;
    canvas.height = crop.height;
  }
  context.drawImage(video, crop.sx, crop.sy, crop.sw, crop.sh, 0, 0, crop.width, crop.height);
}

export function createCropSurface(): CropSurface {
  const level = newCanvas();
  const tilted = newCanvas();
  let tiltBox: Rect = { x: 0, y: 0, width: 0, height: 0 };
  return {
    ...level,
    tilted,
    get tiltBox() {
      return tiltBox;
    },
    draw(video, crop, tilt) {
      drawOn(level, video, crop);
      drawOn(tilted, video, tilt);
      tiltBox = tilt.box;
    },
  };
}
