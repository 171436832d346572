import { z } from "zod";
import { parseLtoLabel } from "./lto";

export const TAPE_STATUSES = ["empty", "in_use", "full", "pending_destruction"] as const;
export const TAPE_STATUS_LABEL: Record<(typeof TAPE_STATUSES)[number] | "destroyed", string> = {
  empty: "Empty",
  in_use: "In use",
  full: "Full",
  pending_destruction: "Pending destruction",
  destroyed: "Destroyed",
};

/** A scanned or typed label, normalised and checked; the parsed label replaces the text. */
export const ltoLabelSchema = z.string().max(64, "A cartridge label is 8 characters").transform((value, ctx) => {
  const parsed = parseLtoLabel(value);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return parsed.label;
});

const MAX_CAPACITY_BYTES = 1_000_000_000_000_000n; // 1 PB: far above any cartridge, catches unit mistakes

export const tapeTagsSchema = z
  .array(z.string().trim().min(1, "A tag cannot be empty").max(40, "A tag must be at most 40 characters"))
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
  status: z.enum(TAPE_STATUSES, { message: "Choose a status: empty, in use, full or pending destruction" }).default("empty"),
  tags: tapeTagsSchema.default([]),
  notes: z.string().trim().max(2000, "Notes must be at most 2,000 characters").optional(),
});
export type RegisterTapeInput = z.input<typeof registerTapeSchema>;
