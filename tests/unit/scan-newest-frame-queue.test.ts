import { describe, expect, test } from "vitest";
import { createNewestFrameQueue } from "../../app/_client/scanner/newest-frame-queue";

/** A consumer whose work finishes only when the test says so. */
function harness() {
  const log: string[] = [];
  const finish = new Map<number, () => void>();
  const queue = createNewestFrameQueue<number>({
    process(frame) {
      log.push(`process ${frame}`);
      return new Promise((resolve) => finish.set(frame, resolve));
    },
    dropped: (frame) => log.push(`drop ${frame}`),
    failed: (frame, error) => log.push(`fail ${frame}: ${(error as Error).message}`),
  });
  const complete = async (frame: number) => {
    finish.get(frame)!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { log, queue, complete };
}

describe("newest-frame queue", () => {
  test("an idle consumer gets a frame at once", () => {
    const { log, queue } = harness();
    queue.submit(1);
    expect(log).toEqual(["process 1"]);
  });

  test("while busy, only the newest frame waits; the ones it replaced are dropped", async () => {
    const { log, queue, complete } = harness();
    queue.submit(1);
    queue.submit(2);
    queue.submit(3);
    queue.submit(4);
    expect(log).toEqual(["process 1", "drop 2", "drop 3"]);
    await complete(1);
    expect(log).toEqual(["process 1", "drop 2", "drop 3", "process 4"]);
  });

  test("one frame at a time, in order, when frames come no faster than they are processed", async () => {
    const { log, queue, complete } = harness();
    queue.submit(1);
    await complete(1);
    queue.submit(2);
    queue.submit(3);
    await complete(2);
    await complete(3);
    expect(log).toEqual(["process 1", "process 2", "process 3"]);
  });

  test("a failed frame is reported and the next one still runs", async () => {
    const log: string[] = [];
    const queue = createNewestFrameQueue<number>({
      async process(frame) {
        log.push(`process ${frame}`);
        if (frame === 1) throw new Error("broken frame");
      },
      dropped: (frame) => log.push(`drop ${frame}`),
      failed: (frame, error) => log.push(`fail ${frame}: ${(error as Error).message}`),
    });
    queue.submit(1);
    queue.submit(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(["process 1", "fail 1: broken frame", "process 2"]);
  });
});
