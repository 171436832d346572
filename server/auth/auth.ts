import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError } from "better-auth/api";
import { MIN_PASSWORD_LENGTH } from "../../lib/password";
import { getDb, type Db } from "../db";
import { env } from "../env";
import { requestOrigin } from "../http/security";
import { getOrCreateSetting, randomSecret } from "../settings";
import { viewerCache } from "./viewer-cache";

export const SIGN_IN_LIMIT = { window: 60, max: 5 };

export type AuthOptions = { secret: string; baseURL?: string };

export function createAuth(db: Db, options: AuthOptions) {
  return betterAuth({
    appName: "Backup Monitor",
    secret: options.secret,
    baseURL: options.baseURL,
    // Without a configured public URL the app answers on whatever name or address users reach it by
    // (localhost, the server's IP, a DNS name): accept exactly the request's own origin, which is what
    // the cross-site request check needs.
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
    disabledPaths: ["/update-user"],
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
      ipAddress: { ipAddressHeaders: ["x-forwarded-for"] },
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
