import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { hashPassword } from "better-auth/crypto";
import { MIN_PASSWORD_LENGTH } from "../../lib/vocabulary";
import { getDb, type Db } from "../db";
import { env } from "../env";
import { CLIENT_ADDRESS_HEADER } from "../http/client-address";
import { requestOrigin } from "../http/security";
import { getOrCreateSetting, randomSecret } from "../settings/service";
import { accountLockedFor, clearFailedSignIns, recordFailedSignIn } from "./sign-in-limit";
import { viewerCache } from "./viewer-cache";

/** Sign-in attempts per client address (see server/http/client-address.ts for how the address is decided). */
export const SIGN_IN_LIMIT = { window: 60, max: 5 };

/** A session ends this long after sign-in however active it was; until then it renews as it is used. */
export const MAX_SESSION_AGE_MS = 30 * 24 * 60 * 60_000;

const SIGN_IN_PATH = "/sign-in/email";

export type AuthOptions = { secret: string; baseURL?: string };

/** The email a sign-in request names, if it is one. */
function signInEmail(body: unknown): string | null {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email : null;
}

export function createAuth(db: Db, options: AuthOptions) {
  return betterAuth({
    appName: "Backup Monitor",
    secret: options.secret,
    // Without a configured public URL the app answers on whatever name or address users reach it by
    // (localhost, the server's IP, a DNS name), so the auth library takes its base URL from each request's
    // Host, which the app's own server has checked (server/http/app-server.ts).
    baseURL: options.baseURL ?? { allowedHosts: ["*"], protocol: "auto" },
    // Without a configured public URL, accept exactly the request's own origin, which is what the
    // cross-site request check needs.
    trustedOrigins: options.baseURL ? [options.baseURL] : (request) => (request ? [requestOrigin(request)] : []),
    database: prismaAdapter(db, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      // Accounts are created by the first-run setup and by administrators, never by self sign-up.
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: 128,
    },
    user: {
      additionalFields: {
        role: { type: "string", input: false },
        active: { type: "boolean", input: false },
      },
    },
    // Names are set by administrators and audited; better-auth's own profile update would let any
    // signed-in user, read-only ones too, rename themselves (even to someone else's name) unaudited.
    // Passwords are changed through the app (access.changePassword), which applies the password rule
    // of lib/password.ts and audits the change; the library's own endpoint does neither.
    disabledPaths: ["/update-user", "/change-password"],
    hooks: {
      // A deactivated account is answered exactly like a wrong password, before the password is checked,
      // so the answer never confirms that a password is right. An account with too many failed sign-ins
      // takes none until its window has passed.
      before: createAuthMiddleware(async (ctx) => {
        const email = ctx.path === SIGN_IN_PATH ? signInEmail(ctx.body) : null;
        if (!email) return;
        const lockedFor = await accountLockedFor(db, email);
        if (lockedFor !== null) {
          throw new APIError("TOO_MANY_REQUESTS", {
            message: `Too many failed sign-ins for this account. Try again in ${lockedFor} minute${lockedFor === 1 ? "" : "s"}.`,
          });
        }
        const user = await db.user.findUnique({
          where: { email: email.trim().toLowerCase() },
          select: { active: true },
        });
        if (user && !user.active) {
          // The time a password check takes, so a quick answer does not single out deactivated accounts.
          await hashPassword(String((ctx.body as { password?: unknown }).password ?? ""));
          throw new APIError("UNAUTHORIZED", {
            message: "Invalid email or password",
            code: "INVALID_EMAIL_OR_PASSWORD",
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const email = ctx.path === SIGN_IN_PATH ? signInEmail(ctx.body) : null;
        if (!email) return;
        const returned = ctx.context.returned;
        if (isAPIError(returned)) {
          if (returned.statusCode === 401) await recordFailedSignIn(db, email);
        } else {
          await clearFailedSignIns(db, email);
        }
      }),
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      customRules: { "/sign-in/email": SIGN_IN_LIMIT },
    },
    advanced: {
      database: { generateId: false },
      // The one address the app's own server wrote after walking X-Forwarded-For across TRUST_PROXY.
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      // Secure cookies exactly when the public address is HTTPS (APP_URL); over plain HTTP on a LAN a
      // Secure cookie would be dropped by the browser and nobody could sign in.
      useSecureCookies: options.baseURL?.startsWith("https://") ?? false,
    },
    databaseHooks: {
      session: {
        // Sign-out and revocation: the session's cookies stop working for reads at once, too.
        delete: {
          async after(session) {
            viewerCache().forgetSession(session.token);
          },
        },
        create: {
          async before(session) {
            const user = await db.user.findUnique({ where: { id: session.userId }, select: { active: true } });
            if (!user?.active) {
              throw new APIError("FORBIDDEN", {
                message: "This account has been deactivated. Ask an administrator to reactivate it.",
              });
            }
          },
        },
      },
    },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { backupMonitorAuth?: Promise<Auth> };

/** The app's auth instance; its secret is AUTH_SECRET or, by default, one generated once and kept in the database. */
export function getAuth(): Promise<Auth> {
  globalForAuth.backupMonitorAuth ??= (async () => {
    const db = getDb();
    const secret = env().AUTH_SECRET ?? (await getOrCreateSetting(db, "auth_secret", randomSecret));
    return createAuth(db, { secret, baseURL: env().APP_URL });
  })();
  return globalForAuth.backupMonitorAuth;
}
