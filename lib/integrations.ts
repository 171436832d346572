import { z } from "zod";
import { fromDateInput } from "./dates";
import { text } from "./text";

/**
 * What an API token may do. A token holds scopes instead of a role: it acts for backup software, never as a
 * person, and can reach nothing beyond them (no users, no settings, no sessions).
 */
export const API_SCOPE_LABEL = {
  "jobs:write": "Report backup jobs",
  "tapes:read": "Look up cartridges",
  "tapes:write": "Register cartridges (also those a reported job names)",
  "locations:write": "Log where cartridges are",
} as const;
export type ApiScope = keyof typeof API_SCOPE_LABEL;
export const API_SCOPES = Object.keys(API_SCOPE_LABEL) as [ApiScope, ...ApiScope[]];

/** Requests one token may make per minute; more are answered 429 until the minute has passed. */
export const API_RATE_LIMIT = { max: 120, windowMs: 60_000 };

export const createApiTokenSchema = z.object({
  name: text().trim().min(1, "Name the integration").max(80, "The name must be at most 80 characters"),
  scopes: z
    .array(z.enum(API_SCOPES, { message: `A scope is one of ${API_SCOPES.join(", ")}` }))
    .min(1, "Choose at least one thing the token may do")
    .transform((scopes) => API_SCOPES.filter((scope) => scopes.includes(scope))),
  expiresAt: z.coerce
    .date({ message: "Enter a valid expiry date" })
    .refine((date) => date.getTime() > Date.now(), "The expiry must be in the future")
    .nullish()
    .transform((date) => date ?? null),
});
export type CreateApiTokenInput = z.input<typeof createApiTokenSchema>;

/** The new-token form: the scopes as its checkboxes give them, the expiry as a calendar date (the token ends at its start, UTC). */
export const apiTokenFormSchema = z.object({
  name: createApiTokenSchema.shape.name,
  scopes: z
    .array(z.enum(API_SCOPES), { message: "Choose at least one thing the token may do" })
    .min(1, "Choose at least one thing the token may do"),
  expiresOn: z.string().refine((value) => {
    if (!value) return true;
    const date = fromDateInput(value);
    return date !== null && date.getTime() > Date.now();
  }, "Choose a date after today, or leave it empty for a token that does not expire"),
});
export type ApiTokenFormValues = z.input<typeof apiTokenFormSchema>;

export const apiTokenRefSchema = z.object({ id: z.uuid({ message: "Unknown token" }) });

/** How an integration is named in audit entries and on the jobs it reported. */
export const integrationActorName = (tokenName: string) => `Integration: ${tokenName}`;
