/**
 * How many calls one request to /api/trpc may carry. The browser's batching link splits at this size, and
 * the server refuses (400) a bigger batch, so one request cannot make it run unbounded work.
 */
export const MAX_CALLS_PER_BATCH = 16;
