/**
 * Feeds frames to a slow consumer one at a time, always the newest: a frame that arrives while one is
 * being processed replaces any frame still waiting, which is dropped. A decoder that falls behind then
 * reads what the camera sees now instead of working through a backlog of stale frames.
 */
export type NewestFrameQueue<T> = {
  submit(frame: T): void;
};

export type NewestFrameHandlers<T> = {
  process(frame: T): Promise<void>;
  /** Called for every frame replaced before it was processed, so its sender can settle it. */
  dropped(frame: T): void;
  failed(frame: T, error: unknown): void;
};

export function createNewestFrameQueue<T>(handlers: NewestFrameHandlers<T>): NewestFrameQueue<T> {
  let waiting: { frame: T } | null = null;
  let running = false;

  async function drain() {
    running = true;
    while (waiting) {
      const { frame } = waiting;
      waiting = null;
      try {
        await handlers.process(frame);
      } catch (error) {
        handlers.failed(frame, error);
      }
    }
    running = false;
  }

  return {
    submit(frame) {
      if (waiting) handlers.dropped(waiting.frame);
      waiting = { frame };
      if (!running) void drain();
    },
  };
}
