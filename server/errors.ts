/** The one error type domain services throw; the tRPC edge maps `code` to a tRPC / HTTP status. */
export type DomainErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  /** Well-formed, but naming what cannot be used as asked (cartridges not registered, say). */
  | "UNPROCESSABLE_CONTENT"
  | "TOO_MANY_REQUESTS";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input field the message is about, for forms to show it in place. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} was not found`);

/** Prisma's unique-constraint violation, so services can turn it into a clear conflict. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as { code?: string }).code === "P2002") return true;
  // The PGlite adapter passes PostgreSQL's own error through (a DriverAdapterError whose cause is
  // { kind: "postgres", code: "23505" }) where adapter-pg maps it to Prisma's P2002.
  const cause = (error as { cause?: { kind?: string; code?: string } }).cause;
  return cause?.kind === "postgres" && cause.code === "23505";
}

/**
 * A failure the user cannot act on (a bug, the database unreachable): its details go to the server's log
 * under a fresh request id, and the client gets a message that says only that, with the id to quote, so
 * nothing internal (SQL, host names, file paths) reaches a browser.
 */
export function reportInternalError(error: unknown, context: string): { requestId: string; message: string } {
  const requestId = crypto.randomUUID().slice(0, 8);
  console.error(`[request ${requestId}] ${context} failed:`, error);
  return {
    requestId,
    message: `Something went wrong on the server. If it happens again, tell your administrator: request ${requestId}.`,
  };
}
