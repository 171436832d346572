import { z } from "zod";
import { AUDIT_ENTITY_TYPES, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from "./audit";
import { cursorSchema } from "./paging";
import { text } from "./text";

const limitMessage = `The limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}`;

/** A moment the database can hold: Dates reach further back than PostgreSQL's timestamps do. */
const moment = (what: string) =>
  z.coerce
    .date({ message: `${what} must be a date and time` })
    .refine((date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999, `${what} is out of range`)
    .optional();

/** An optional text filter; an empty box filters nothing. */
const optionalFilter = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} must be at most ${max} characters`)
    .optional()
    .transform((value) => value || undefined);

export const auditEntityTypeSchema = z.enum(AUDIT_ENTITY_TYPES, {
  message: `The entity type must be one of ${AUDIT_ENTITY_TYPES.join(", ")}`,
});

/** What the audit log can be narrowed to: the same filters for the page and its CSV export. */
export const auditLogFilterSchema = z
  .object({
    entityType: auditEntityTypeSchema.optional(),
    action: optionalFilter(40, "The action"),
    /** Part of the name of who made the change, in any case. */
    actor: optionalFilter(120, "The name"),
    /** From this moment on (inclusive). */
    from: moment("From"),
    /** Before this moment (exclusive). */
    to: moment("To"),
  })
  .refine((filters) => !filters.from || !filters.to || filters.from < filters.to, {
    message: "“From” must be before “to”",
    path: ["to"],
  });
export type AuditLogFilters = z.output<typeof auditLogFilterSchema>;

/** A page of audit entries, newest first. */
export const auditPageSchema = z.object({
  cursor: cursorSchema.nullish(),
  limit: z
    .number({ message: limitMessage })
    .int(limitMessage)
    .min(1, limitMessage)
    .max(AUDIT_PAGE_MAX, limitMessage)
    .default(AUDIT_PAGE_DEFAULT),
});

export const auditLogSchema = auditLogFilterSchema.and(auditPageSchema);
export type AuditLogInput = z.input<typeof auditLogSchema>;
export type AuditLogQuery = z.output<typeof auditLogSchema>;

/** Location entries or hand-offs in the order they happened, of one cartridge or of all. */
export const eventLogSchema = z.object({
  tapeId: z.uuid({ message: "Unknown cartridge" }).optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(100),
});
export type EventLogQuery = z.output<typeof eventLogSchema>;
