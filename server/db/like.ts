/**
 * Text to find anywhere in a column, as a LIKE pattern: `%`, `_` and the escape character in it are searched
 * for, not wildcards. Prisma's `contains` passes its text to LIKE as is, so it is given this escaped text.
 * A LIKE (or ILIKE) of this shape is what the trigram indexes serve.
 */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** The LIKE pattern matching any text that contains `text`. */
export const containsPattern = (text: string) => `%${escapeLike(text)}%`;
