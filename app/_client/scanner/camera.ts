import { ScannerError } from "./errors";

const BACK_CAMERA = { facingMode: { ideal: "environment" } } as const;

/**
 * At least 1280×720: a label filling the guide box then has narrow bars 3.5–5.5 pixels wide instead
 * of 1.8–2.7, margin that real phone video (lens blur, compression, shake) eats into.
 */
const SHARP_ENOUGH: MediaTrackConstraints = {
  ...BACK_CAMERA,
  width: { min: 1280, ideal: 1920 },
  height: { min: 720, ideal: 1080 },
};

/** For cameras that cannot do 1280×720: a lower read rate beats no scanner at all. */
const ANY_SIZE: MediaTrackConstraints = { ...BACK_CAMERA, width: { ideal: 1920 }, height: { ideal: 1080 } };

function cameraError(error: unknown): ScannerError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return new ScannerError("permission-denied", { cause: error });
    case "NotFoundError":
    case "OverconstrainedError":
      return new ScannerError("no-camera", { cause: error });
    default:
      return new ScannerError("camera-unavailable", { cause: error });
  }
}

/** Opens the back camera, or throws a ScannerError saying why it cannot. */
export async function openBackCamera(): Promise<MediaStream> {
  if (!window.isSecureContext) throw new ScannerError("insecure-origin");
  if (!navigator.mediaDevices?.getUserMedia) throw new ScannerError("unsupported");
  try {
    return await navigator.mediaDevices.getUserMedia({ video: SHARP_ENOUGH, audio: false });
  } catch (error) {
    if (!(error instanceof Error && error.name === "OverconstrainedError")) throw cameraError(error);
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ video: ANY_SIZE, audio: false });
  } catch (error) {
    throw cameraError(error);
  }
}
