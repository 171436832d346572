import { z } from "zod";
import type { JobSort, ListJobsOptions } from "../../lib/jobs";
import { text as storableText } from "../../lib/text";
import { DomainError } from "../errors";

type Direction = ListJobsOptions["direction"];

/** Where the previous page ended: the last row's sort key (dates as ISO text) and id. */
export type JobCursor = { value: string; id: string };

/**
 * The cursor carries the sort key itself rather than only the id, so the next page still works after the
 * last row shown was deleted. It is bound to its sort and direction; reused under another it would skip rows.
 */
export function encodeCursor(sort: JobSort, direction: Direction, cursor: JobCursor): string {
  return Buffer.from(JSON.stringify([sort, direction, cursor.value, cursor.id])).toString("base64url");
}

export function decodeCursor(text: string, sort: JobSort, direction: Direction): JobCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  // The key is compared with the sort column in the database: a date for the date sorts, text it can store for the name.
  const key =
    sort === "name" ? storableText() : z.iso.datetime().refine((value) => new Date(value).getUTCFullYear() >= 1);
  const result = z.tuple([z.literal(sort), z.literal(direction), key, storableText()]).safeParse(parsed);
  if (!result.success)
    throw new DomainError("BAD_REQUEST", "The list changed order since this page was loaded; reload it", "cursor");
  const [, , value, id] = result.data;
  return { value, id };
}
