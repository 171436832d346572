import { decodeFrame, loadDecoder } from "./decode";
import { createNewestFrameQueue } from "./newest-frame-queue";
import type { FromWorker, ToWorker } from "./worker-protocol";

/** The parts of a dedicated worker's global scope used here (the project compiles against the DOM library). */
type WorkerScope = {
  postMessage(message: FromWorker): void;
  addEventListener(type: "message", listener: (event: MessageEvent<ToWorker>) => void): void;
};
const scope = self as unknown as WorkerScope;

/**
 * Turbopack resolves this through the package's exports and emits the file with the build's own assets
 * (/_next/static/media/zxing_reader.<hash>.wasm): served by the app, cached as immutable, precached by
 * the service worker with the rest of .next/static, and never out of step with the JavaScript glue.
 */
const WASM_URL = new URL("zxing-wasm/reader/zxing_reader.wasm", import.meta.url);

// Loading starts with the worker, so fetching and compiling overlap the camera permission prompt.
const decoderReady = loadDecoder({ url: WASM_URL.href });
// A load failure is reported for each frame that waits on it, not as an unhandled rejection.
decoderReady.catch(() => {});

const queue = createNewestFrameQueue<ToWorker>({
  async process({ id, image, tilted }) {
    await decoderReady;
    scope.postMessage({ type: "result", id, text: await decodeFrame(image, tilted) });
  },
  dropped: ({ id }) => scope.postMessage({ type: "dropped", id }),
  failed: ({ id }, error) =>
    scope.postMessage({ type: "failed", id, message: error instanceof Error ? error.message : String(error) }),
});

scope.addEventListener("message", (event) => queue.submit(event.data));
