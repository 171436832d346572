/**
 * An event the outbox refused because the server would refuse it too. Its own module so screens can tell
 * it apart without loading the outbox itself.
 */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidEventError";
  }
}
