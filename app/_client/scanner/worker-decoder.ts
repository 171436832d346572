import { ScannerError } from "./errors";
import type { FrameDecoder } from "./frame-decoder";
import type { FromWorker, ToWorker } from "./worker-protocol";

type Waiter = { resolve(text: string | null | undefined): void; reject(error: ScannerError): void };

function startWorker(): Worker {
  try {
    return new Worker(new URL("./scan-worker.ts", import.meta.url), { type: "module", name: "label-scan" });
  } catch (error) {
    // No module workers (very old browsers) or a content policy forbidding them.
    throw new ScannerError("decoder-unavailable", { cause: error });
  }
}

/** zxing-wasm in a Web Worker, so decoding never competes with the video and the UI for the main thread. */
export function createWorkerDecoder(): FrameDecoder {
  const worker = startWorker();
  const waiting = new Map<number, Waiter>();
  let nextId = 1;
  let failure: ScannerError | null = null;

  const failAll = (error: ScannerError) => {
    failure = error;
    for (const waiter of waiting.values()) waiter.reject(error);
    waiting.clear();
  };

  worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
    const reply = event.data;
    const waiter = waiting.get(reply.id);
    if (!waiter) return;
    waiting.delete(reply.id);
    if (reply.type === "result") waiter.resolve(reply.text);
    else if (reply.type === "dropped") waiter.resolve(undefined);
    else {
      const error = new ScannerError("decoder-unavailable", { cause: new Error(reply.message) });
      waiter.reject(error);
      failAll(error);
    }
  });
  // The worker script itself failed to load or threw outside a decode.
  worker.addEventListener("error", (event) => {
    failAll(new ScannerError("decoder-unavailable", { cause: new Error(event.message) }));
  });

  return {
    engine: "zxing-wasm",
    decode({ canvas, context, tilted, tiltBox }) {
      if (failure) return Promise.reject(failure);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const tiltImage = tilted.context.getImageData(0, 0, tilted.canvas.width, tilted.canvas.height);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        const message: ToWorker = { type: "frame", id, image, tilted: { image: tiltImage, box: tiltBox } };
        // Transferred, not copied: the pixels move to the worker at no cost.
        worker.postMessage(message, [image.data.buffer, tiltImage.data.buffer]);
      });
    },
    close() {
      worker.terminate();
      for (const waiter of waiting.values()) waiter.resolve(undefined);
      waiting.clear();
    },
  };
}
