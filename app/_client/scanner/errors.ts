/**
 * Why scanning cannot run. Every kind leaves the user the typed-entry fallback; `message` is written
 * for them, `kind` lets the screen choose its own wording or a way out (e.g. a settings hint).
 */
export type ScannerErrorKind =
  /** Cameras are only offered to pages served over HTTPS (or from localhost). */
  | "insecure-origin"
  /** The browser lacks what scanning needs, camera access or a 2D canvas (old browsers, some in-app web views). */
  | "unsupported"
  | "permission-denied"
  | "no-camera"
  /** The camera exists but could not be started or stopped delivering frames (in use, unplugged). */
  | "camera-unavailable"
  /** The barcode decoder could not be loaded or stopped working. */
  | "decoder-unavailable";

const MESSAGES: Record<ScannerErrorKind, string> = {
  "insecure-origin": "The camera can only be used when the app is opened over HTTPS. Type the label instead.",
  unsupported: "This browser cannot scan with the camera. Type the label instead.",
  "permission-denied":
    "Camera access was refused. Allow the camera for this site in the browser settings, or type the label.",
  "no-camera": "No camera was found on this device. Type the label instead.",
  "camera-unavailable":
    "The camera could not be started; another app may be using it. Close it and try again, or type the label.",
  "decoder-unavailable": "The barcode reader could not be loaded. Reload the page, or type the label.",
};

export class ScannerError extends Error {
  readonly kind: ScannerErrorKind;

  constructor(kind: ScannerErrorKind, options?: { cause?: unknown }) {
    super(MESSAGES[kind], options);
    this.name = "ScannerError";
    this.kind = kind;
  }
}
