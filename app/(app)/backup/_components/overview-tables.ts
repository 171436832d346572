import type { z } from "zod";
import type { listJobsSchema } from "@/lib/jobs";
import type { TapeListInput } from "@/lib/tapes";

/**
 * The first page each table of the overview asks for, said once: the page renders it on the server and the
 * table starts from it (no request after hydration), then asks for the same input itself, so it reads that
 * page from its cache.
 */
export const OVERVIEW_PAGE_SIZE = 25;

export type TapeTableFilters = Pick<
  TapeListInput,
  "search" | "status" | "locationKind" | "siteId" | "generation" | "tag" | "nextMove" | "dataExpiresWithin"
>;
export type TapeTableSort = NonNullable<TapeListInput["sort"]>;
export type TapeTableStart = TapeTableFilters & { sort?: TapeTableSort };

export function firstTapesInput(start?: TapeTableStart): TapeListInput {
  const { sort, ...filters } = start ?? {};
  return { ...filters, sort: sort ?? "barcode", direction: "asc", limit: OVERVIEW_PAGE_SIZE };
}

export function firstJobsInput(): z.input<typeof listJobsSchema> {
  return { sort: "jobDate", direction: "desc", limit: OVERVIEW_PAGE_SIZE };
}

/** The page fetched on the server, for the query whose input is the first page's; none for any other. */
export function startingPage<T>(input: object, first: object, page: T | undefined): T | undefined {
  return page !== undefined && JSON.stringify(input) === JSON.stringify(first) ? page : undefined;
}
