import { MAX_TILT_DEGREES, type Rect } from "./guide-box";

/**
 * Where a tilted label's bars are in the tilted crop, and which way they run. zxing reads linear codes
 * only along pixel rows and columns, so a label turned more than a few degrees is read from a strip
 * sampled along its own axis instead.
 *
 * The direction comes from the structure tensor of small cells: in a cell of bars every edge points the
 * same way, strongly; printed text, noise and plain paper do not. The strongest shared direction, and
 * the cells that share it, give the bars' angle and centre.
 */
export type Bars = {
  /** The direction along the bars' row (across the bars), in radians, y pointing down. */
  angle: number;
  /** The centre of the cells holding the bars, in crop pixels. */
  x: number;
  y: number;
};

/** Cell side in crop pixels: two or three bar edges at the sizes the guide box asks for. */
const CELL = 16;
/** 1 when all edges in a cell are parallel, 0 when they point every way. */
const MIN_COHERENCE = 0.6;
const BINS = 60;
/** Cells within this of the strongest direction belong to the bars; a strip reads up to about 7° off. */
const SAME_DIRECTION = (6 * Math.PI) / 180;
/** Beyond this the tilted crop does not hold the label and its strip would not either. */
const MAX_ANGLE = ((MAX_TILT_DEGREES + 10) * Math.PI) / 180;

export function findBars(gray: Uint8Array, width: number, height: number): Bars | null {
  const columns = Math.floor((width - 2) / CELL);
  const rows = Math.floor((height - 2) / CELL);
  if (columns < 1 || rows < 1) return null;
  const xx = new Float64Array(columns * rows);
  const yy = new Float64Array(columns * rows);
  const xy = new Float64Array(columns * rows);
  // Every second row: the tensor is a sum over the cell, and half the rows estimate it as well.
  for (let y = 1; y < 1 + rows * CELL; y += 2) {
    const cellRow = Math.floor((y - 1) / CELL) * columns;
    for (let c = 0; c < columns; c++) {
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let i = y * width + 1 + c * CELL, end = i + CELL; i < end; i++) {
        const gx = gray[i + 1]! - gray[i - 1]!;
        const gy = gray[i + width]! - gray[i - width]!;
        sxx += gx * gx;
        syy += gy * gy;
        sxy += gx * gy;
      }
      xx[cellRow + c]! += sxx;
      yy[cellRow + c]! += syy;
      xy[cellRow + c]! += sxy;
    }
  }

  // Each cell votes for its direction (doubled, so opposite gradients agree) with its edge strength.
  const direction = new Float64Array(columns * rows);
  const strength = new Float64Array(columns * rows);
  const votes = new Float64Array(BINS);
  for (let c = 0; c < columns * rows; c++) {
    const energy = xx[c]! + yy[c]!;
    if (energy === 0) continue;
    const coherence = Math.hypot(xx[c]! - yy[c]!, 2 * xy[c]!) / energy;
    if (coherence < MIN_COHERENCE) continue;
    direction[c] = Math.atan2(2 * xy[c]!, xx[c]! - yy[c]!);
    strength[c] = energy * coherence;
    votes[Math.min(BINS - 1, Math.floor(((direction[c]! + Math.PI) / (2 * Math.PI)) * BINS))]! += strength[c]!;
  }
  let peak = 0;
  let best = 0;
  for (let b = 0; b < BINS; b++) {
    const total = votes[(b + BINS - 1) % BINS]! + votes[b]! + votes[(b + 1) % BINS]!;
    if (total > best) {
      best = total;
      peak = b;
    }
  }
  if (best === 0) return null;
  const peakDirection = ((peak + 0.5) / BINS) * 2 * Math.PI - Math.PI;

  let cos = 0;
  let sin = 0;
  let x = 0;
  let y = 0;
  let weight = 0;
  for (let c = 0; c < columns * rows; c++) {
    const w = strength[c]!;
    if (w === 0) continue;
    const off = Math.abs(Math.atan2(Math.sin(direction[c]! - peakDirection), Math.cos(direction[c]! - peakDirection)));
    if (off > 2 * SAME_DIRECTION) continue;
    cos += w * Math.cos(direction[c]!);
    sin += w * Math.sin(direction[c]!);
    x += w * (1 + ((c % columns) + 0.5) * CELL);
    y += w * (1 + (Math.floor(c / columns) + 0.5) * CELL);
    weight += w;
  }
  const angle = Math.atan2(sin, cos) / 2;
  if (Math.abs(angle) > MAX_ANGLE) return null;
  return { angle, x: x / weight, y: y / weight };
}

/** A strip read along the bars' row: its size and how its pixels map back into the crop. */
export type Strip = { width: number; height: number; toCrop(u: number, v: number): { x: number; y: number } };

/** Strip rows per crop pixel across the bars, as the level crop draws one row for four. */
const PIXELS_PER_STRIP_ROW = 4;

/**
 * Samples `length` × `depth` crop pixels centred on the bars and turned with them, into the pixels
 * `allocate` returns for the strip's size: one
 * row per four pixels across the bars (the mean of two bilinear samples), so a tilted label becomes a
 * level one the decoder reads. Samples beyond the crop repeat its edge.
 */
export function sampleStrip(
  gray: Uint8Array,
  width: number,
  height: number,
  bars: Bars,
  length: number,
  depth: number,
  allocate: (width: number, height: number) => Uint8Array,
): Strip {
  const stripWidth = Math.round(length);
  const stripHeight = Math.max(1, Math.round(depth / PIXELS_PER_STRIP_ROW));
  const out = allocate(stripWidth, stripHeight);
  const cos = Math.cos(bars.angle);
  const sin = Math.sin(bars.angle);
  const toCrop = (u: number, v: number) => {
    const along = u - stripWidth / 2;
    const across = (v - stripHeight / 2) * PIXELS_PER_STRIP_ROW;
    return { x: bars.x + along * cos - across * sin, y: bars.y + along * sin + across * cos };
  };
  const sample = (x: number, y: number) => {
    const cx = Math.min(width - 1.001, Math.max(0, x - 0.5));
    const cy = Math.min(height - 1.001, Math.max(0, y - 0.5));
    const x0 = Math.floor(cx);
    const y0 = Math.floor(cy);
    const fx = cx - x0;
    const i = y0 * width + x0;
    const top = gray[i]! + (gray[i + 1]! - gray[i]!) * fx;
    const bottom = gray[i + width]! + (gray[i + width + 1]! - gray[i + width]!) * fx;
    return top + (bottom - top) * (cy - y0);
  };
  // The two samples of a strip pixel lie a pixel either side of its centre, across the bars.
  const half = PIXELS_PER_STRIP_ROW / 4;
  for (let v = 0; v < stripHeight; v++) {
    const start = toCrop(0.5, v + 0.5);
    for (let u = 0, x = start.x, y = start.y; u < stripWidth; u++, x += cos, y += sin) {
      out[v * stripWidth + u] = (sample(x + half * sin, y - half * cos) + sample(x - half * sin, y + half * cos)) / 2;
    }
  }
  return { width: stripWidth, height: stripHeight, toCrop };
}

/** Whether a point lies in a rectangle: a tilted read counts only for a label centred in the guide box. */
export function inside({ x, y }: { x: number; y: number }, rect: Rect): boolean {
  return x >= rect.x && x <= rect.x + rect.width && y >= rect.y && y <= rect.y + rect.height;
}
