import { z } from "zod";
import { cursorSchema } from "./paging";
import { NEXT_MOVE_FILTER_NAMES } from "./rotation";
import { labelWithMedia, MEDIA_CHOICE_IDS, parseCartridgeBarcode, parseLtoLabel, parseNonStandardLabel } from "./lto";
import { text } from "./text";
import { LOCATION_KINDS, TAPE_STATUSES } from "./vocabulary";
import { MAX_FUTURE_MS } from "./sync/clock";

/** Text checked by one of the label parsers, which gives the value or the message saying what is wrong. */
function checkedLabel<T extends object>(tooLong: string, parse: (value: string) => T | string) {
  return z
    .string()
    .max(64, tooLong)
    .transform((value, ctx) => {
      const result = parse(value);
      if (typeof result === "string") {
        ctx.addIssue({ code: "custom", message: result });
        return z.NEVER;
      }
      return result;
    });
}

/** A scanned or typed label, normalised and checked; the parsed label replaces the text. */
export const ltoLabelSchema = checkedLabel("A cartridge label is 8 characters", (value) => {
  const parsed = parseLtoLabel(value);
  return parsed.ok ? parsed.label : parsed.error;
});

/** A label that is not an LTO label, normalised and checked (see `parseNonStandardLabel`). */
export const nonStandardLabelSchema = checkedLabel("A non-standard label is at most 16 characters", (value) => {
  const parsed = parseNonStandardLabel(value);
  return parsed.ok ? { barcode: parsed.barcode } : parsed.error;
});

/**
 * The barcode of a cartridge that may be registered: an LTO label or a well-formed non-standard one.
 * Events recorded in the field name cartridges by it; the server then checks the cartridge exists.
 */
export const cartridgeBarcodeSchema = checkedLabel("A cartridge label is at most 16 characters", (value) => {
  const parsed = parseCartridgeBarcode(value);
  return parsed.ok ? { barcode: parsed.barcode } : parsed.error;
});

const MAX_CAPACITY_BYTES = 1_000_000_000_000_000n; // 1 PB: far above any cartridge, catches unit mistakes

export const tapeTagsSchema = z
  .array(text().trim().min(1, "A tag cannot be empty").max(40, "A tag must be at most 40 characters"))
  .max(20, "At most 20 tags")
  .transform((tags) => [...new Set(tags.map((tag) => tag.toLowerCase()))]);

const tapeDetails = {
  /** Defaults to the label's (or the chosen generation's) native capacity; can be changed for unusual media. */
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
};

/** A cartridge with a standard LTO label, whose generation, media and capacity the label gives. */
export const registerTapeSchema = z.object({
  nonStandard: z.literal(false).optional(),
  barcode: ltoLabelSchema,
  ...tapeDetails,
});

/** A cartridge with a legacy or in-house label, registered as such on purpose with its generation chosen by hand. */
export const registerNonStandardTapeSchema = z.object({
  nonStandard: z.literal(true),
  barcode: nonStandardLabelSchema,
  mediaId: z.enum(MEDIA_CHOICE_IDS, { message: "Choose the cartridge's generation" }),
  ...tapeDetails,
});

/** Either registration, as the service takes it: the label's details, whichever way they were found. */
export const registerAnyTapeSchema = z
  .discriminatedUnion("nonStandard", [registerTapeSchema, registerNonStandardTapeSchema], {
    message: "Say whether the label is a standard LTO label",
  })
  .transform((input) => {
    if (!input.nonStandard) return { ...input, nonStandard: false };
    const { mediaId, barcode, ...details } = input;
    // The enum holds only media the label table defines, so there always is a label.
    return { ...details, nonStandard: true, barcode: labelWithMedia(barcode.barcode, mediaId)! };
  });
export type RegisterTapeInput = z.input<typeof registerAnyTapeSchema>;

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

/**
 * An edit never makes a cartridge destroyed nor changes a destroyed one's status (only a destruction does,
 * server/destruction): the status is left out for a destroyed cartridge.
 */
export const updateTapeSchema = registerTapeSchema.omit({ barcode: true, nonStandard: true }).extend({
  status: z.enum(TAPE_STATUSES, { message: "Choose a status: empty, in use, full or pending destruction" }).optional(),
});

/**
 * An administrator's correction of a mistyped barcode. The service holds it to the cartridge's kind (a
 * standard cartridge takes only a valid LTO label), so the message fits the cartridge corrected.
 */
export const correctBarcodeSchema = z.object({
  id: z.uuid({ message: "Unknown cartridge" }),
  barcode: text().trim().min(1, "Enter the corrected barcode").max(64, "A cartridge label is at most 16 characters"),
});
export type CorrectBarcodeInput = z.input<typeof correctBarcodeSchema>;

const BYTES_PER_GB = 1_000_000_000;

/** A capacity as the decimal GB a form shows; empty for none. */
export const capacityAsGb = (bytes: bigint | null | undefined) => (bytes ? String(Number(bytes) / BYTES_PER_GB) : "");

/** A capacity typed in decimal GB: undefined when left empty, null when it is not a positive number. */
export function capacityFromGb(typed: string): bigint | null | undefined {
  const trimmed = typed.trim();
  if (trimmed === "") return undefined;
  const gb = Number(trimmed);
  return Number.isFinite(gb) && gb > 0 ? BigInt(Math.round(gb * BYTES_PER_GB)) : null;
}

/** Where the registration form shows a problem the server's schema reports on one of its own fields. */
const REGISTER_FORM_FIELD: Record<string, string> = { nativeCapacityBytes: "capacityGb" };

/**
 * The registration form's fields as typed (capacity in GB, tags on one line), held to the very schema the
 * server uses; its output is the input the server takes, and each problem lands on the field it is about.
 */
export const registerTapeFormSchema = z
  .object({
    nonStandard: z.boolean(),
    barcode: z.string(),
    mediaId: z.string(),
    capacityGb: z.string(),
    status: z.string(),
    tags: z.string(),
    notes: z.string(),
  })
  .transform((form, ctx) => {
    const capacity = capacityFromGb(form.capacityGb);
    if (capacity === null) {
      ctx.addIssue({ code: "custom", message: "Capacity must be a positive number of GB", path: ["capacityGb"] });
    }
    const common = {
      nativeCapacityBytes: capacity ?? undefined,
      status: form.status as (typeof TAPE_STATUSES)[number],
      tags: form.tags
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
      notes: form.notes,
    };
    const input: RegisterTapeInput = form.nonStandard
      ? { ...common, nonStandard: true, barcode: form.barcode, mediaId: form.mediaId }
      : { ...common, nonStandard: false, barcode: form.barcode };
    const checked = registerAnyTapeSchema.safeParse(input);
    for (const issue of checked.error?.issues ?? []) {
      const field = String(issue.path[0] ?? "barcode");
      ctx.addIssue({ code: "custom", message: issue.message, path: [REGISTER_FORM_FIELD[field] ?? field] });
    }
    return checked.success && capacity !== null ? input : z.NEVER;
  });
export type RegisterTapeFormValues = z.input<typeof registerTapeFormSchema>;

export const REGISTER_TAPE_FORM_DEFAULTS: RegisterTapeFormValues = {
  nonStandard: false,
  barcode: "",
  mediaId: "",
  capacityGb: "",
  status: "empty",
  tags: "",
  notes: "",
};

export const TAPE_SORTS = ["barcode", "createdAt", "updatedAt", "nextMove", "dataExpiry"] as const;
/** Sorts by a value computed for every cartridge (server/rotation/sql.ts) rather than read from a column. */
export const COMPUTED_TAPE_SORTS = ["nextMove", "dataExpiry"] as const satisfies readonly (typeof TAPE_SORTS)[number][];

export const tapeListSchema = z.object({
  search: text().trim().max(64, "Search at most 64 characters").optional(),
  status: z.enum([...TAPE_STATUSES, "destroyed"]).optional(),
  /** Leaves destroyed cartridges out: what a picker offers. */
  inService: z.boolean().optional(),
  locationKind: z.enum([...LOCATION_KINDS, "none"]).optional(),
  generation: z.number().int().min(1).max(10).optional(),
  /** Cartridges whose current location is at this site. */
  siteId: z.uuid({ message: "Unknown site" }).optional(),
  tag: text().trim().toLowerCase().max(40).optional(),
  nextMove: z.enum(NEXT_MOVE_FILTER_NAMES).optional(),
  /** Data expiry (the latest expiry of the cartridge's jobs) from now to this many days ahead. */
  dataExpiresWithin: z.number().int().min(1).max(3650).optional(),
  sort: z.enum(TAPE_SORTS).default("barcode"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type TapeListInput = z.input<typeof tapeListSchema>;
export type TapeListFilters = z.output<typeof tapeListSchema>;

export const optionalText = (max: number, what: string) =>
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

/** Where a location puts a cartridge, in words: "Iron Vault · shelf B-2 · slot 4"; empty when it names no place. */
export function describePlace(location: {
  site: string | null;
  shelf: string | null;
  locker: string | null;
  slot: string | null;
}): string {
  const parts = [
    location.site,
    location.shelf && `shelf ${location.shelf}`,
    location.locker && `locker ${location.locker}`,
    location.slot && `slot ${location.slot}`,
  ];
  return parts.filter(Boolean).join(" · ");
}

export const logLocationSchema = z.object({
  tapeId: z.uuid({ message: "Unknown cartridge" }),
  kind: z.enum(LOCATION_KINDS, { message: "Choose on site, in transit or off site" }),
  /** The named site. Without one, `site` is free text, as phones that predate named sites still send it. */
  siteId: z.uuid({ message: "Choose a site from the list" }).nullish(),
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
