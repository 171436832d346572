import { z } from "zod";
import { cursorSchema } from "./paging";
import { parseLtoLabel } from "./lto";
import { text } from "./text";
import { LOCATION_KINDS, TAPE_STATUSES } from "./vocabulary";
import { MAX_FUTURE_MS } from "./sync/clock";

/** A scanned or typed label, normalised and checked; the parsed label replaces the text. */
export const ltoLabelSchema = z
  .string()
  .max(64, "A cartridge label is 8 characters")
  .transform((value, ctx) => {
    const parsed = parseLtoLabel(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.label;
  });

const MAX_CAPACITY_BYTES = 1_000_000_000_000_000n; // 1 PB: far above any cartridge, catches unit mistakes

export const tapeTagsSchema = z
  .array(text().trim().min(1, "A tag cannot be empty").max(40, "A tag must be at most 40 characters"))
  .max(20, "At most 20 tags")
  .transform((tags) => [...new Set(tags.map((tag) => tag.toLowerCase()))]);

export const registerTapeSchema = z.object({
  barcode: ltoLabelSchema,
  /** Defaults to the label's native capacity; can be changed for unusual media. */
  nativeCapacityBytes: z
    .bigint({ message: "Capacity must be a whole number of bytes" })
    .min(1n, "Capacity must be more than zero")
    .max(MAX_CAPACITY_BYTES, "Capacity must be at most 1 PB")
    .optional(),
  status: z
    .enum(TAPE_STATUSES, { message: "Choose a status: empty, in use, full or pending destruction" })
    .default("empty"),
  tags: tapeTagsSchema.default([]),
  notes: text().trim().max(2000, "Notes must be at most 2,000 characters").optional(),
});
export type RegisterTapeInput = z.input<typeof registerTapeSchema>;

const GB = 1_000_000_000;

/** A capacity as typed in a form, in GB ("12000", "2.5"); empty means none given. */
export const capacityGbTextSchema = z
  .string()
  .transform((typed, ctx) => {
    const text = typed.trim();
    if (text === "") return undefined;
    const gb = Number(text);
    if (Number.isFinite(gb) && gb > 0) return BigInt(Math.round(gb * GB));
    ctx.addIssue({ code: "custom", message: "Capacity must be a positive number of GB" });
    return z.NEVER;
  })
  .pipe(registerTapeSchema.shape.nativeCapacityBytes);

/** A capacity in bytes as a form shows it, in GB. */
export function capacityGbText(bytes: bigint | null): string {
  return bytes ? String(Number(bytes) / GB) : "";
}

/** Tags as typed in a form: one text, separated by commas. */
export const tagsTextSchema = z
  .string()
  .transform((typed) =>
    typed
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean),
  )
  .pipe(tapeTagsSchema);

export const updateTapeSchema = registerTapeSchema.omit({ barcode: true }).extend({
  status: z.enum([...TAPE_STATUSES, "destroyed"], { message: "Choose a valid status" }),
});

export const TAPE_SORTS = ["barcode", "createdAt", "updatedAt"] as const;

export const tapeListSchema = z.object({
  search: text().trim().max(64, "Search at most 64 characters").optional(),
  status: z.enum([...TAPE_STATUSES, "destroyed"]).optional(),
  locationKind: z.enum([...LOCATION_KINDS, "none"]).optional(),
  generation: z.number().int().min(1).max(10).optional(),
  tag: text().trim().toLowerCase().max(40).optional(),
  sort: z.enum(TAPE_SORTS).default("barcode"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type TapeListInput = z.input<typeof tapeListSchema>;
export type TapeListFilters = z.output<typeof tapeListSchema>;

const optionalText = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} must be at most ${max} characters`)
    // A parsed value (null) is valid input again, so a form can send what the schema gave it.
    .nullish()
    .transform((value) => value || null);

/**
 * A moment an event happened: not in the future beyond a few minutes of clock difference, not before 1990.
 * Phones' times are corrected for their clock before this check (lib/sync/clock.ts).
 */
export const occurredAtSchema = z.coerce
  .date({ message: "Enter a valid date and time" })
  .refine((date) => date.getTime() <= Date.now() + MAX_FUTURE_MS, "The time cannot be in the future")
  .refine((date) => date.getUTCFullYear() >= 1990, "The time is too far in the past");

export const logLocationSchema = z.object({
  tapeId: z.uuid({ message: "Unknown cartridge" }),
  kind: z.enum(LOCATION_KINDS, { message: "Choose on site, in transit or off site" }),
  site: optionalText(120, "Site"),
  shelf: optionalText(60, "Shelf"),
  locker: optionalText(60, "Locker"),
  slot: optionalText(60, "Slot"),
  custodian: optionalText(120, "Custodian"),
  serviceProvider: optionalText(120, "Service provider"),
  occurredAt: occurredAtSchema.optional(),
});
export type LogLocationInput = z.output<typeof logLocationSchema>;

export const MAX_SIGNATURE_CHARS = 300_000;

export const recordCustodySchema = z.object({
  tapeId: z.uuid({ message: "Unknown cartridge" }),
  fromParty: text()
    .trim()
    .min(1, "Enter who handed the cartridge over")
    .max(120, "From must be at most 120 characters"),
  toParty: text().trim().min(1, "Enter who received the cartridge").max(120, "To must be at most 120 characters"),
  signerName: text()
    .trim()
    .min(1, "Enter the name of the person signing")
    .max(120, "Signer name must be at most 120 characters"),
  signature: z
    .string()
    .max(MAX_SIGNATURE_CHARS, "The signature image is too large")
    .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, "The signature must be a PNG image")
    .optional(),
  containerId: optionalText(60, "Container"),
  sealNumber: optionalText(60, "Seal number"),
  notes: optionalText(2000, "Notes"),
  occurredAt: occurredAtSchema.optional(),
});
export type RecordCustodyInput = z.output<typeof recordCustodySchema>;
