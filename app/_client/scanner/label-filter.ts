import { parseLtoLabel, type LtoLabel } from "@/lib/lto";

/**
 * Turns per-frame decoder output into accepted labels. A misread recorded against a cartridge's custody
 * is worse than no read, so a value counts only when it is a valid LTO label and the same label came
 * out of two consecutive decoded frames; a frame with nothing (or something invalid) breaks the run.
 * Each label is reported once until `reset`, so holding a cartridge in view does not repeat it.
 */
export type LabelFilter = {
  /** The decoded text of one frame, or null when the frame had no barcode; returns a label to report. */
  offer(text: string | null): LtoLabel | null;
  /** Forgets the labels already reported, e.g. when the screen starts a new list. */
  reset(): void;
};

export const FRAMES_TO_AGREE = 2;

export function createLabelFilter(framesToAgree: number = FRAMES_TO_AGREE): LabelFilter {
  let candidate: string | null = null;
  let runLength = 0;
  const reported = new Set<string>();

  return {
    offer(text) {
      const parsed = text === null ? null : parseLtoLabel(text);
      if (!parsed?.ok) {
        candidate = null;
        runLength = 0;
        return null;
      }
      const { label } = parsed;
      runLength = label.barcode === candidate ? runLength + 1 : 1;
      candidate = label.barcode;
      if (runLength < framesToAgree || reported.has(label.barcode)) return null;
      reported.add(label.barcode);
      return label;
    },
    reset() {
      candidate = null;
      runLength = 0;
      reported.clear();
    },
  };
}
