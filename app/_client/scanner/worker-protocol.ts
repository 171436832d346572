import type { RgbaImage, TiltImage } from "./decode";

/** Messages between the scanner (main thread) and the scan worker. */
export type ToWorker = { type: "frame"; id: number; image: RgbaImage; tilted: TiltImage };

export type FromWorker =
  | { type: "result"; id: number; text: string | null }
  /** A newer frame arrived before this one was decoded. */
  | { type: "dropped"; id: number }
  | { type: "failed"; id: number; message: string };
