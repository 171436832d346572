import { z } from "zod";

/**
 * A page cursor as a list's input takes it: opaque text the server handed out as the previous page's
 * `nextCursor`. What it holds is checked where it is read (server/pagination.ts); the bound here only
 * stops a huge value before that. The longest real one carries a 200-character job name.
 */
export const cursorSchema = z.string().max(2000, "The page cursor is not valid; start again from the first page");
