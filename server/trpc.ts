import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import { refusal, type Capability } from "../lib/capabilities";
import type { Viewer } from "../lib/users";
import { BACKUP_MODULE, effectiveAccess } from "./access/rules";
import type { Actor } from "./audit/service";
import { MAX_SESSION_AGE_MS, type Auth } from "./auth/auth";
import type { CheckedSession, ViewerCache } from "./auth/viewer-cache";
import type { Db } from "./db";
import { DomainError, reportInternalError } from "./errors";
import { clientFromHeaders } from "./http/client-address";

export type Context = {
  db: Db;
  auth: Auth;
  headers: Headers;
  viewer: Viewer | null;
  /** The token of the session that proved the viewer, so a change can end the viewer's other sessions. */
  sessionToken: string | null;
  /** Who is calling, as the app's own server decided it (server/http/client-address.ts). */
  client: ReturnType<typeof clientFromHeaders>;
};

export async function loadViewer(db: Db, userId: string): Promise<Viewer | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { moduleAccess: { where: { module: BACKUP_MODULE } } },
  });
  if (!user?.active) return null;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    backupAccess: effectiveAccess(user.role, user.moduleAccess[0]?.level),
    approver: user.approver,
  };
}

/**
 * The viewer a request's session cookie proves, or null. A session older than MAX_SESSION_AGE_MS ends
 * here however recently it was used (the auth library would renew it for ever) and is deleted.
 */
async function checkSession(db: Db, auth: Auth, headers: Headers): Promise<CheckedSession | null> {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const endsAt = session.session.createdAt.getTime() + MAX_SESSION_AGE_MS;
  if (endsAt <= Date.now()) {
    await db.session.deleteMany({ where: { token: session.session.token } });
    return null;
  }
  const viewer = await loadViewer(db, session.user.id);
  if (!viewer) return null;
  const expiresAt = new Date(Math.min(session.session.expiresAt.getTime(), endsAt));
  return { viewer, token: session.session.token, expiresAt };
}

type ContextOptions = Pick<Context, "db" | "auth" | "headers"> & {
  /** Where a read may find the viewer checked moments ago; without it the session is checked in the database. */
  viewers?: ViewerCache;
};

export async function createContext({ db, auth, headers, viewers }: ContextOptions): Promise<Context> {
  const signedIn = viewers
    ? await viewers.resolve(headers.get("cookie"), () => checkSession(db, auth, headers))
    : await checkSession(db, auth, headers);
  return {
    db,
    auth,
    headers,
    viewer: signedIn?.viewer ?? null,
    sessionToken: signedIn?.token ?? null,
    client: clientFromHeaders(headers),
  };
}

const MAX_INPUT_PROBLEMS = 3;

/**
 * Invalid input as one line a person can read: each problem once, prefixed with the field it is about.
 * zod's own message is its issues as pretty-printed JSON, which a form would otherwise show as is.
 */
export function inputErrorMessage(error: z.ZodError): string {
  const problems = [
    ...new Set(
      error.issues.map((issue) => {
        const field = issue.path.map(String).join(".");
        return field ? `${field}: ${issue.message}` : issue.message;
      }),
    ),
  ];
  const more = problems.length - MAX_INPUT_PROBLEMS;
  return more > 0 ? `${problems.slice(0, MAX_INPUT_PROBLEMS).join("; ")}; and ${more} more` : problems.join("; ");
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const cause = error.cause;
    const internal =
      error.code === "INTERNAL_SERVER_ERROR" ? reportInternalError(cause ?? error, `tRPC ${path}`) : null;
    return {
      ...shape,
      message: internal?.message ?? (cause instanceof z.ZodError ? inputErrorMessage(cause) : shape.message),
      data: {
        ...shape.data,
        stack: undefined,
        requestId: internal?.requestId,
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : undefined,
        field: cause instanceof DomainError ? cause.field : undefined,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Domain errors become tRPC errors with the same code; anything else stays an internal error. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

export const signedInProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  const actor: Actor = { id: ctx.viewer.id, name: ctx.viewer.name };
  return next({ ctx: { ...ctx, viewer: ctx.viewer, actor } });
});

/** Every active user can read the backup module; the procedure exists so reads say what they need. */
export const backupReadProcedure = signedInProcedure;

/**
 * A procedure only viewers whose role and access include `capability` may call (lib/capabilities.ts); anyone
 * else is refused before it runs, so a refused call writes nothing, with the reason in words.
 */
export function capabilityProcedure(capability: Capability) {
  return signedInProcedure.use(({ ctx, next }) => {
    requireCapability(ctx.viewer, capability);
    return next();
  });
}

/** Refuses `viewer` (FORBIDDEN, the reason in words) unless they hold `capability`: for a need the input decides. */
export function requireCapability(viewer: Viewer, capability: Capability) {
  const reason = refusal(viewer, capability);
  if (reason) throw new TRPCError({ code: "FORBIDDEN", message: reason });
}
