import { parseLtoLabel, parseNonStandardLabel } from "@/lib/lto";

/**
 * Turns per-frame decoder output into accepted barcodes. A misread recorded against a cartridge's custody
 * is worse than no read, so a value counts only when the same barcode came out of two consecutive decoded
 * frames and it is a valid LTO label, or a non-standard label of a cartridge registered here (a misread of
 * a free-form label would otherwise look like any other); a frame with nothing, or with anything else,
 * breaks the run. Each barcode is reported once until `reset`, so holding a cartridge in view does not
 * repeat it.
 */
export type LabelFilter = {
  /** The decoded text of one frame, or null when the frame had no barcode; returns a barcode to report. */
  offer(text: string | null): string | null;
  /** Forgets the barcodes already reported, e.g. when the screen starts a new list. */
  reset(): void;
};

export const FRAMES_TO_AGREE = 2;

export type LabelFilterOptions = {
  framesToAgree?: number;
  /** Whether a non-standard label names a registered cartridge (e.g. the device's catalogue cache has it). */
  isRegistered?: (barcode: string) => boolean;
};

/** The barcode a frame's text stands for, or null when it is neither an LTO label nor a registered one. */
function acceptedBarcode(text: string, isRegistered: (barcode: string) => boolean): string | null {
  const standard = parseLtoLabel(text);
  if (standard.ok) return standard.label.barcode;
  const other = parseNonStandardLabel(text);
  return other.ok && isRegistered(other.barcode) ? other.barcode : null;
}

export function createLabelFilter({
  framesToAgree = FRAMES_TO_AGREE,
  isRegistered = () => false,
}: LabelFilterOptions = {}): LabelFilter {
  let candidate: string | null = null;
  let runLength = 0;
  const reported = new Set<string>();

  return {
    offer(text) {
      const barcode = text === null ? null : acceptedBarcode(text, isRegistered);
      if (barcode === null) {
        candidate = null;
        runLength = 0;
        return null;
      }
      runLength = barcode === candidate ? runLength + 1 : 1;
      candidate = barcode;
      if (runLength < framesToAgree || reported.has(barcode)) return null;
      reported.add(barcode);
      return barcode;
    },
    reset() {
      candidate = null;
      runLength = 0;
      reported.clear();
    },
  };
}
