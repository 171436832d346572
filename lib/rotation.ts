import { z } from "zod";
import { fromDateInput, toDateInput } from "./dates";
import { cursorSchema } from "./paging";
import { text } from "./text";

/** The two rotation lists (server/rotation/sql.ts says exactly who is on each). */
export const ROTATION_LISTS = ["send", "bring_back"] as const;
export type RotationList = (typeof ROTATION_LISTS)[number];
export const ROTATION_LIST_LABEL: Record<RotationList, string> = {
  send: "To send off site",
  bring_back: "To bring back",
};
/** What a list's next-move date is called. */
export const NEXT_MOVE_LABEL: Record<RotationList, string> = { send: "Send by", bring_back: "Bring back by" };
/** The address of each list's full page. */
export const ROTATION_LIST_PATH: Record<RotationList, string> = {
  send: "/backup/rotation/send",
  bring_back: "/backup/rotation/bring-back",
};

export const rotationListSchema = z.object({
  list: z.enum(ROTATION_LISTS, { message: "Choose the list to send or the list to bring back" }),
  /** Only the cartridges whose next move is already past. */
  overdue: z.boolean().optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type RotationListInput = z.input<typeof rotationListSchema>;
export type RotationListFilters = z.output<typeof rotationListSchema>;

/** A needed-by date as a date input gives it (YYYY-MM-DD), today or later (UTC days, like every calendar date). */
const neededBySchema = z.string({ message: "Enter the date the cartridge is needed by" }).transform((value, ctx) => {
  const date = fromDateInput(value.trim());
  if (!date) {
    ctx.addIssue({ code: "custom", message: "Enter the date the cartridge is needed by" });
    return z.NEVER;
  }
  if (toDateInput(date) < toDateInput(new Date())) {
    ctx.addIssue({ code: "custom", message: "The needed-by date cannot be in the past" });
    return z.NEVER;
  }
  return date;
});

/** What a recall says, from the form on a cartridge's or a job's page. */
export const recallFormSchema = z.object({
  reason: text()
    .trim()
    .min(1, "Say what the cartridge is needed for")
    .max(500, "The reason must be at most 500 characters"),
  neededBy: neededBySchema,
});
export type RecallFormValues = z.input<typeof recallFormSchema>;

export const recallTapeSchema = recallFormSchema.extend({ tapeId: z.uuid({ message: "Unknown cartridge" }) });
/** A recall of a job recalls each of its cartridges that is away from the site. */
export const recallJobSchema = recallFormSchema.extend({ jobId: z.uuid({ message: "Unknown backup job" }) });
export const recallRefSchema = z.object({ id: z.uuid({ message: "Unknown recall" }) });
export const recallsOfSchema = z.union([
  z.object({ tapeId: z.uuid({ message: "Unknown cartridge" }) }),
  z.object({ jobId: z.uuid({ message: "Unknown backup job" }) }),
]);

/** The cartridge table's next-move filter: already overdue, or due within so many days (overdue included). */
export const NEXT_MOVE_FILTERS = {
  overdue: { label: "Next move overdue", days: null },
  week: { label: "Next move within 7 days", days: 7 },
  month: { label: "Next move within 30 days", days: 30 },
} as const;
export type NextMoveFilter = keyof typeof NEXT_MOVE_FILTERS;
export const NEXT_MOVE_FILTER_NAMES = Object.keys(NEXT_MOVE_FILTERS) as NextMoveFilter[];
