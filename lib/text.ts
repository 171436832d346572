import { z } from "zod";

/**
 * Text PostgreSQL can store. A JavaScript string may hold NUL characters and halves of UTF-16 surrogate
 * pairs (what is left of an emoji cut in two); PostgreSQL text and JSON cannot, and a write of one fails
 * in the database as a server error. Inputs refuse them with a message instead.
 */
const PAIR_OR_UNSTORABLE = /[\uD800-\uDBFF][\uDC00-\uDFFF]|[\u0000\uD800-\uDFFF]/g;

export const UNSTORABLE_TEXT_MESSAGE =
  "Contains a character that cannot be saved (a NUL character or half of an emoji)";

/** The text with every character PostgreSQL cannot store replaced by U+FFFD, for keeping what was received. */
export function toStorableText(value: string): string {
  return value.replace(PAIR_OR_UNSTORABLE, (match) => (match.length === 2 ? match : "\uFFFD"));
}

export function isStorableText(value: string): boolean {
  return toStorableText(value) === value;
}

/** A string input that can be stored: where every text field of a form, a query or an event starts. */
export function text() {
  return z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE, abort: true });
}
