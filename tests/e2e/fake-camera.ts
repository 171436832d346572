import fs from "node:fs";
import bwipjs from "bwip-js/node";

/**
 * Camera input for end-to-end scan tests: Chromium plays a Y4M file as its camera with
 * `--use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>` (and loops it).
 */
export type LabelVideoOptions = {
  width?: number;
  height?: number;
  fps?: number;
  /** Seconds of an empty scene before the label appears, so time to first read can be measured. */
  blankSeconds?: number;
  /** Seconds the label is in view. */
  labelSeconds?: number;
  /** Width of a narrow bar in pixels; by default a label about half the frame wide, as a courier aims it. */
  moduleWidth?: number;
};

export type LabelVideo = { file: string; width: number; height: number; fps: number; labelFromSeconds: number };

const SCENE = 70; // a dark cartridge shell
const PAPER = 235;
const INK = 25;
/** Code 39 needs ten narrow bars of white either side. */
const QUIET_MODULES = 10;

/** Bar and space widths in modules, starting with a bar, as bwip-js encodes the label. */
function codeWidths(label: string): number[] {
  const [symbol] = bwipjs.raw("code39", label, {});
  if (!symbol || !("sbs" in symbol)) throw new Error(`bwip-js did not encode "${label}" as a linear symbol`);
  return symbol.sbs;
}

/** The luma plane of one frame with the label centred, where the scan screen's guide box is. */
function labelLuma(label: string, width: number, height: number, moduleWidth: number): Uint8Array {
  const luma = new Uint8Array(width * height).fill(SCENE);
  const widths = codeWidths(label);
  const modules = widths.reduce((sum, w) => sum + w, 0) + 2 * QUIET_MODULES;
  const labelWidth = modules * moduleWidth;
  const barHeight = Math.round(labelWidth / 6);
  const left = Math.round((width - labelWidth) / 2);
  const top = Math.round((height - barHeight) / 2);
  if (left < 0 || top < 0)
    throw new Error(`A ${labelWidth}×${barHeight} label does not fit a ${width}×${height} frame`);

  const row = new Uint8Array(labelWidth).fill(PAPER);
  let x = QUIET_MODULES * moduleWidth;
  widths.forEach((w, i) => {
    if (i % 2 === 0) row.fill(INK, x, x + w * moduleWidth);
    x += w * moduleWidth;
  });
  // Paper margin above and below the bars, like the printed label around them.
  const margin = Math.round(barHeight / 4);
  for (let y = Math.max(0, top - margin); y < Math.min(height, top + barHeight + margin); y++) {
    const bars = y >= top && y < top + barHeight;
    if (bars) luma.set(row, y * width + left);
    else luma.fill(PAPER, y * width + left, y * width + left + labelWidth);
  }
  return luma;
}

/** One YUV 4:2:0 frame: the luma plane, then neutral chroma (a grey picture). */
function frameBytes(luma: Uint8Array, width: number, height: number): Buffer {
  const chroma = (width / 2) * (height / 2) * 2;
  return Buffer.concat([Buffer.from("FRAME\n"), luma, Buffer.alloc(chroma, 128)]);
}

/**
 * Writes a Y4M video (YUV4MPEG2, C420) of an empty scene followed by `label` as a Code 39 barcode
 * rendered by bwip-js, for Chromium's fake camera.
 */
export function writeLabelVideo(label: string, file: string, opts: LabelVideoOptions = {}): LabelVideo {
  const { width = 1280, height = 720, fps = 10, blankSeconds = 1, labelSeconds = 3 } = opts;
  if (width % 2 || height % 2) throw new Error("4:2:0 video needs an even width and height");
  const moduleWidth = opts.moduleWidth ?? Math.max(2, Math.round(width / 320));

  const blank = frameBytes(new Uint8Array(width * height).fill(SCENE), width, height);
  const withLabel = frameBytes(labelLuma(label, width, height, moduleWidth), width, height);
  const blankFrames = Math.round(blankSeconds * fps);
  const labelFrames = Math.max(1, Math.round(labelSeconds * fps));

  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420\n`);
    for (let i = 0; i < blankFrames; i++) fs.writeSync(fd, blank);
    for (let i = 0; i < labelFrames; i++) fs.writeSync(fd, withLabel);
  } finally {
    fs.closeSync(fd);
  }
  return { file, width, height, fps, labelFromSeconds: blankFrames / fps };
}
