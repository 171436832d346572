/**
 * Stretches each pixel between the darkest and lightest pixels near it on its row, so a label's bars
 * span the full range wherever they are: under a glare spot that washes out part of them, and in dim
 * or faded print next to a dark cartridge shell. Both defeat the decoder's own threshold, which picks
 * one level for a whole row. Where the neighbourhood has less than MIN_RANGE of contrast (plain paper,
 * plain shell) the result is white, so it reads as a quiet zone instead of amplified noise.
 *
 * The neighbourhood is the pixel's block of `blockWidth` pixels and the blocks either side: two
 * passes over the row instead of the six an exact sliding window takes, which matters at every frame.
 */
export const MIN_RANGE = 24;

export function stretchLocalContrast(
  gray: Uint8Array,
  width: number,
  height: number,
  blockWidth: number,
  out: Uint8Array = new Uint8Array(width * height),
): Uint8Array {
  const blocks = Math.ceil(width / blockWidth);
  const blockMax = new Uint8Array(blocks);
  const blockMin = new Uint8Array(blocks);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let b = 0; b < blocks; b++) {
      let max = 0;
      let min = 255;
      for (let x = b * blockWidth, end = Math.min(width, x + blockWidth); x < end; x++) {
        const v = gray[row + x]!;
        if (v > max) max = v;
        if (v < min) min = v;
      }
      blockMax[b] = max;
      blockMin[b] = min;
    }
    for (let b = 0; b < blocks; b++) {
      const before = Math.max(0, b - 1);
      const after = Math.min(blocks - 1, b + 1);
      const max = Math.max(blockMax[before]!, blockMax[b]!, blockMax[after]!);
      const min = Math.min(blockMin[before]!, blockMin[b]!, blockMin[after]!);
      const range = max - min;
      const end = Math.min(width, (b + 1) * blockWidth);
      if (range < MIN_RANGE) {
        out.fill(255, row + b * blockWidth, row + end);
        continue;
      }
      const scale = 255 / range;
      for (let x = b * blockWidth; x < end; x++) out[row + x] = (gray[row + x]! - min) * scale;
    }
  }
  return out;
}
