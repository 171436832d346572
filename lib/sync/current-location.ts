/**
 * Which location of a cartridge is current: the one that happened last. Of two with the same time the one
 * recorded later wins, so applying a cartridge's locations in the order they were recorded always leaves
 * the same one current, whichever of the server, the outbox and the offline catalogue applies them.
 */
export type Timed = { occurredAt: Date };

/** Whether `candidate`, recorded after `current`, becomes the current location in its place. */
export function supersedes(candidate: Timed, current: Timed | null | undefined): boolean {
  return !current || candidate.occurredAt.getTime() >= current.occurredAt.getTime();
}

/** The current one of locations given in the order they were recorded (null for none). */
export function currentOf<T extends Timed>(recorded: Iterable<T>, start: T | null = null): T | null {
  let current = start;
  for (const location of recorded) if (supersedes(location, current)) current = location;
  return current;
}
