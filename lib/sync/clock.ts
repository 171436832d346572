/**
 * Phones' clocks are wrong now and then (set by hand, no network time, a flat battery), and the time an
 * event happened decides which location is current. Each push carries the device's clock, so the server
 * measures how far it is off and corrects the events' times by that much.
 */

/**
 * A difference the server does not correct: a push's measured offset includes its upload time, which on a
 * weak mobile connection is many seconds, so a smaller one says nothing about the clock.
 */
export const CLOCK_TOLERANCE_MS = 2 * 60_000;

/** How far ahead of the server a time typed at the desk may be before it is refused. */
export const MAX_FUTURE_MS = 5 * 60_000;

/** How far the device's clock is ahead of the server's (negative: behind), or 0 when within tolerance. */
export function clockSkew(deviceTime: Date | null | undefined, serverTime: Date): number {
  if (!deviceTime || Number.isNaN(deviceTime.getTime())) return 0;
  const skew = deviceTime.getTime() - serverTime.getTime();
  return Math.abs(skew) <= CLOCK_TOLERANCE_MS ? 0 : skew;
}

/**
 * When an event happened by the server's clock: its device time less the device's skew, and never later
 * than the server received it. A time still ahead after correction comes from a clock that changed since
 * the event was recorded (or from a client that lies): the event certainly happened before it arrived,
 * so the receipt time is a true bound, where refusing it would lose a real hand-off or move.
 */
export function correctedTime(occurredAt: Date, skewMs: number, receivedAt: Date): Date {
  return new Date(Math.min(occurredAt.getTime() - skewMs, receivedAt.getTime()));
}

/** How far off a clock is, for a person: "12 min ahead", "3 h behind". */
export function describeSkew(skewMs: number): string {
  const minutes = Math.round(Math.abs(skewMs) / 60_000);
  const amount =
    minutes < 60
      ? `${minutes} min`
      : minutes < 48 * 60
        ? `${Math.round(minutes / 60)} h`
        : `${Math.round(minutes / 1440)} days`;
  return `${amount} ${skewMs > 0 ? "ahead" : "behind"}`;
}
