import { z } from "zod";
import type { FieldAudit } from "../audits";
import type { FieldConsignment } from "../consignments";
import { cursorSchema } from "../paging";
import type { SiteOption } from "../sites";
import type { LOCATION_KINDS, TAPE_STATUS_LABEL } from "../vocabulary";

/**
 * The read cache a phone keeps so a courier can scan a cartridge and see it while offline, pulled
 * incrementally: every cartridge changed (or deleted) after the cursor, oldest change first.
 */
export type CatalogueLocation = { kind: (typeof LOCATION_KINDS)[number]; site: string | null; occurredAt: Date };

export type CatalogueTape = {
  deleted: false;
  id: string;
  barcode: string;
  status: keyof typeof TAPE_STATUS_LABEL;
  location: CatalogueLocation | null;
  changedAt: Date;
};

/** A cartridge deleted on the server: drop it from the cache if the cached one has this id. */
export type CatalogueTombstone = { deleted: true; id: string; barcode: string; changedAt: Date };

export type CatalogueEntry = CatalogueTape | CatalogueTombstone;

export type CataloguePage = {
  items: CatalogueEntry[];
  /** Where the next pull starts; store it only together with the items. */
  cursor: string | null;
  /** More changes are waiting: pull again now. */
  more: boolean;
  /** The server's clock when it answered, for the device to tell whether its own clock is off. */
  serverTime: Date;
  /**
   * Every active site, whole on each page: sites are few, and the phone's site picker must work offline with
   * the list as it is now, renames and retirements included.
   */
  sites: SiteOption[];
  /**
   * Every consignment a phone may dispatch or receive (approved or in transit), whole on each page as the
   * sites are: few at a time, and the scan-out and scan-in screens must show missing and unexpected offline.
   */
  consignments: FieldConsignment[];
  /**
   * Every open inventory audit, whole on each page: the audit scan screen must show what is expected and
   * what was already scanned (by anyone) without signal.
   */
  audits: FieldAudit[];
};

export const CATALOGUE_PAGE_MAX = 2000;

export const catalogueSchema = z.object({
  cursor: cursorSchema.nullish(),
  limit: z.number().int().min(1).max(CATALOGUE_PAGE_MAX).default(500),
});
export type CatalogueQuery = z.output<typeof catalogueSchema>;
