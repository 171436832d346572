import type { CropSurface } from "./crop-surface";

export type DecoderEngine = "barcode-detector" | "zxing-wasm";

/** Reads the barcode on a crop surface; one call at a time. */
export type FrameDecoder = {
  readonly engine: DecoderEngine;
  /**
   * The decoded text, null when the frame had no barcode, or undefined when the frame was skipped
   * unread (replaced by a newer one, or the decoder closed), which says nothing about the label.
   */
  decode(surface: CropSurface): Promise<string | null | undefined>;
  close(): void;
};
