import { openBackCamera } from "./camera";
import { createCropSurface } from "./crop-surface";
import { ScannerError } from "./errors";
import type { DecoderEngine, FrameDecoder } from "./frame-decoder";
import { GUIDE_BOX, guideBoxCrop, tiltCrop, type GuideBox, type VideoFit } from "./guide-box";
import { createLabelFilter } from "./label-filter";
import { createNativeDecoder } from "./native-decoder";
import { createWorkerDecoder } from "./worker-decoder";

export { ScannerError, type ScannerErrorKind } from "./errors";
export type { DecoderEngine } from "./frame-decoder";
export { GUIDE_BOX, guideBoxOnElement, type GuideBox, type Rect, type VideoFit } from "./guide-box";

export type ScannerCallbacks = {
  /** A barcode read in two consecutive frames; each once until `reset()`. */
  onDetect(barcode: string): void;
  /** Scanning failed after it started (camera unplugged or revoked, decoder broken); the scanner has stopped. */
  onError?(error: ScannerError): void;
};

export type ScannerOptions = {
  /** The box the screen draws over the video; only what is inside it is decoded. */
  guideBox?: GuideBox;
  /**
   * Aborting stops the scanner, or cancels a start still in progress (which then rejects with the
   * signal's reason and leaves the video element alone): one cleanup for a React effect, including
   * the double mount of development mode.
   */
  signal?: AbortSignal;
  /** Whether a non-standard label names a registered cartridge: only then is one reported. */
  isRegistered?: (barcode: string) => boolean;
};

export type ScannerSession = {
  /** Which decoder reads the frames: the platform's BarcodeDetector, or zxing-wasm in a worker. */
  readonly engine: DecoderEngine;
  /** Forgets the labels already reported, so the next read of any of them is reported again. */
  reset(): void;
  /** Releases the camera and the decoder; safe to call more than once. */
  stop(): void;
};

async function chooseDecoder(): Promise<FrameDecoder> {
  return (await createNativeDecoder()) ?? createWorkerDecoder();
}

function videoFit(video: HTMLVideoElement): VideoFit {
  const fit = getComputedStyle(video).objectFit;
  return fit === "cover" || fit === "fill" ? fit : "contain";
}

type FrameHandle = { video: number } | { animation: number };

/**
 * Opens the back camera into `video` and reports each LTO label (or registered non-standard label) aimed
 * into the guide box.
 * Rejects with a ScannerError (insecure origin, no camera, permission denied, …) when it cannot start;
 * the screen then shows its message and the typed-entry field.
 */
export async function startScanner(
  video: HTMLVideoElement,
  callbacks: ScannerCallbacks,
  { guideBox = GUIDE_BOX, signal, isRegistered }: ScannerOptions = {},
): Promise<ScannerSession> {
  signal?.throwIfAborted();
  const surface = createCropSurface();
  // Started before the camera so the worker and its WebAssembly load while the user answers the prompt.
  const decoderReady = chooseDecoder();
  let stream: MediaStream | undefined;
  let decoder: FrameDecoder;
  try {
    stream = await openBackCamera();
    signal?.throwIfAborted();
    decoder = await decoderReady;
    signal?.throwIfAborted();
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    try {
      await video.play();
    } catch (error) {
      throw signal?.aborted ? signal.reason : new ScannerError("camera-unavailable", { cause: error });
    }
    signal?.throwIfAborted();
  } catch (error) {
    for (const track of stream?.getTracks() ?? []) track.stop();
    if (stream && video.srcObject === stream) video.srcObject = null;
    // The decoder may still be loading: release it whenever it is ready.
    void decoderReady.then(
      (ready) => ready.close(),
      () => {},
    );
    throw error;
  }
  const camera = stream;

  const filter = createLabelFilter({ isRegistered });
  let stopped = false;
  // At most one frame is with the decoder; frames arriving meanwhile are skipped, not queued.
  let decoding = false;
  let handle: FrameHandle | null = null;

  function stop() {
    if (stopped) return;
    stopped = true;
    signal?.removeEventListener("abort", stop);
    if (handle && "video" in handle) video.cancelVideoFrameCallback(handle.video);
    else if (handle) cancelAnimationFrame(handle.animation);
    for (const track of camera.getTracks()) track.stop();
    if (video.srcObject === camera) video.srcObject = null;
    decoder.close();
  }

  function fail(error: ScannerError) {
    if (stopped) return;
    stop();
    callbacks.onError?.(error);
  }

  function accept(text: string | null | undefined) {
    if (stopped || text === undefined) return;
    const barcode = filter.offer(text);
    if (barcode) callbacks.onDetect(barcode);
  }

  function decodeFailed(error: unknown) {
    if (stopped) return;
    if (decoder.engine === "barcode-detector") {
      // A platform detector that throws is not trusted again; zxing-wasm reads the same labels.
      decoder.close();
      try {
        decoder = createWorkerDecoder();
        return;
      } catch (workerError) {
        error = workerError;
      }
    }
    fail(error instanceof ScannerError ? error : new ScannerError("decoder-unavailable", { cause: error }));
  }

  function onFrame() {
    if (stopped) return;
    schedule();
    if (decoding || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return;
    const frame = { width: video.videoWidth, height: video.videoHeight };
    const element = { width: video.clientWidth, height: video.clientHeight };
    const fit = videoFit(video);
    const crop = guideBoxCrop(frame, element, fit, guideBox);
    const tilt = tiltCrop(frame, element, fit, guideBox);
    if (!crop || !tilt) return;
    surface.draw(video, crop, tilt);
    decoding = true;
    decoder
      .decode(surface)
      .then(accept, decodeFailed)
      .finally(() => {
        decoding = false;
      });
  }

  function schedule() {
    // Once per new camera frame where supported; otherwise once per display refresh.
    handle =
      "requestVideoFrameCallback" in video
        ? { video: video.requestVideoFrameCallback(onFrame) }
        : { animation: requestAnimationFrame(onFrame) };
  }

  for (const track of camera.getVideoTracks()) {
    track.addEventListener("ended", () => fail(new ScannerError("camera-unavailable")));
  }
  signal?.addEventListener("abort", stop);
  schedule();

  return {
    get engine() {
      return decoder.engine;
    },
    reset: () => filter.reset(),
    stop,
  };
}
