import { createHash, randomBytes } from "node:crypto";
import type { z } from "zod";
import type { ApiToken } from "../../generated/prisma/client";
import { API_RATE_LIMIT, integrationActorName, type ApiScope, type createApiTokenSchema } from "../../lib/integrations";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db/transaction";
import { DomainError, isUniqueViolation, notFound } from "../errors";

const TOKEN_PREFIX = "bm_";
/** `bm_` and 8 characters: enough to tell tokens apart in a list, nothing like enough to guess one. */
const SHOWN_CHARS = TOKEN_PREFIX.length + 8;
const AUDITED_TOKEN_FIELDS = ["name", "prefix", "scopes", "expiresAt", "revokedAt"] as const;

/**
 * A token is 256 random bits, so a fast hash is enough to store it: nobody can guess their way to one,
 * and a slow password hash would cost every API request.
 */
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

/** What lists and pages show of a token: never its hash. */
export type ApiTokenSummary = Omit<ApiToken, "tokenHash" | "windowStartedAt" | "windowRequests">;
const SUMMARY = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  revokedAt: true,
  revokedByName: true,
  lastUsedAt: true,
  createdById: true,
  createdByName: true,
  createdAt: true,
} as const;

/** Creates a token and returns it whole, the only time it exists outside the caller's hands. */
export async function createApiToken(db: Db, actor: Actor, input: z.output<typeof createApiTokenSchema>) {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  try {
    const created = await transaction(db, async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          name: input.name,
          scopes: input.scopes,
          expiresAt: input.expiresAt,
          prefix: token.slice(0, SHOWN_CHARS),
          tokenHash: hashOf(token),
          createdById: actor.id,
          createdByName: actor.name,
        },
        select: SUMMARY,
      });
      recordAudit(tx, {
        entityType: "api_token",
        entityId: row.id,
        action: "create",
        changes: diffFields(null, row, AUDITED_TOKEN_FIELDS),
        actor,
      });
      return row;
    });
    return { token, apiToken: created };
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError("CONFLICT", `A token named ${input.name} already exists: choose another name`, "name");
    throw error;
  }
}

/** Every token, newest first, revoked ones included: what they did stays attributed to them. */
export function listApiTokens(db: Db): Promise<ApiTokenSummary[]> {
  return db.apiToken.findMany({ select: SUMMARY, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

/** Revokes a token for good; revoking it again changes nothing. */
export async function revokeApiToken(db: Db, actor: Actor, id: string, now = new Date()) {
  return transaction(db, async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { id }, select: SUMMARY });
    if (!before) throw notFound("The API token");
    if (before.revokedAt) return before;
    const after = await tx.apiToken.update({
      where: { id },
      data: { revokedAt: now, revokedByName: actor.name },
      select: SUMMARY,
    });
    recordAudit(tx, {
      entityType: "api_token",
      entityId: id,
      action: "revoke",
      changes: diffFields(before, after, AUDITED_TOKEN_FIELDS),
      actor,
    });
    return after;
  });
}

/** Who an API request acts as: an integration with its scopes, never a person. */
export type Integration = { tokenId: string; name: string; scopes: ApiScope[]; actor: Actor };

export type TokenCheck =
  | { ok: true; integration: Integration }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 429; message: string; retryAfterSeconds: number };

const formatMoment = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Checks a bearer token, counts the request in the token's rate-limit window and records its use, in one
 * statement: two servers counting at once both count. A revoked or expired token is refused, saying
 * which (whoever sent it holds the real token, so that tells them nothing new).
 */
export async function checkApiToken(db: Db, token: string, now = new Date()): Promise<TokenCheck> {
  const hash = hashOf(token);
  const windowStart = new Date(now.getTime() - API_RATE_LIMIT.windowMs);
  const [row] = await db.$queryRaw<
    { id: string; name: string; scopes: string[]; window_started_at: Date; window_requests: number }[]
  >`
    UPDATE app_api_token SET
      last_used_at = ${now},
      window_requests = CASE WHEN window_started_at > ${windowStart} THEN window_requests + 1 ELSE 1 END,
      window_started_at = CASE WHEN window_started_at > ${windowStart} THEN window_started_at ELSE ${now} END
    WHERE token_hash = ${hash} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})
    RETURNING id, name, scopes, window_started_at, window_requests`;
  if (!row) {
    const known = await db.apiToken.findUnique({
      where: { tokenHash: hash },
      select: { revokedAt: true, expiresAt: true },
    });
    if (known?.revokedAt)
      return { ok: false, status: 401, message: `The token was revoked on ${formatMoment(known.revokedAt)}` };
    if (known?.expiresAt)
      return { ok: false, status: 401, message: `The token expired on ${formatMoment(known.expiresAt)}` };
    return { ok: false, status: 401, message: "The token is not one this server issued" };
  }
  if (row.window_requests > API_RATE_LIMIT.max) {
    const endsIn = row.window_started_at.getTime() + API_RATE_LIMIT.windowMs - now.getTime();
    return {
      ok: false,
      status: 429,
      message: `Too many requests: a token may make ${API_RATE_LIMIT.max} a minute`,
      retryAfterSeconds: Math.max(1, Math.ceil(endsIn / 1000)),
    };
  }
  return {
    ok: true,
    integration: {
      tokenId: row.id,
      name: row.name,
      scopes: row.scopes as ApiScope[],
      actor: { id: null, name: integrationActorName(row.name) },
    },
  };
}
