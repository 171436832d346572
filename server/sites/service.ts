import type { z } from "zod";
import type { BackupSite, Prisma } from "../../generated/prisma/client";
import type { MapLegacySitesInput, SiteInput, siteListSchema, SiteOption } from "../../lib/sites";
import { LOCATION_KIND_LABEL, SITE_KIND_LABEL, type LocationKind } from "../../lib/vocabulary";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { transaction } from "../db/transaction";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { listOrders } from "../pagination";

export const AUDITED_SITE_FIELDS = [
  "name",
  "kind",
  "address",
  "serviceProvider",
  "defaultCustodian",
  "active",
  "code",
] as const;

const nameTaken = (name: string) => new DomainError("CONFLICT", `A site named ${name} already exists`, "name");

/** Runs a write whose only unique rule the caller can break is the site's name. */
async function withUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

async function createSiteInTx(tx: Tx, actor: Actor, input: SiteInput) {
  const site = await tx.backupSite.create({ data: input });
  recordAudit(tx, {
    entityType: "site",
    entityId: site.id,
    action: "create",
    changes: diffFields(null, site, AUDITED_SITE_FIELDS),
    actor,
  });
  return site;
}

export function createSite(db: Db, actor: Actor, input: SiteInput) {
  return withUniqueName(input.name, () => transaction(db, (tx) => createSiteInTx(tx, actor, input)));
}

export function updateSite(db: Db, actor: Actor, id: string, input: SiteInput) {
  return withUniqueName(input.name, () =>
    transaction(db, async (tx) => {
      const before = await tx.backupSite.findUnique({ where: { id } });
      if (!before) throw notFound("The site");
      const after = await tx.backupSite.update({ where: { id }, data: input });
      const changes = diffFields(before, after, AUDITED_SITE_FIELDS);
      if (Object.keys(changes).length > 0)
        recordAudit(tx, { entityType: "site", entityId: id, action: "update", changes, actor });
      return after;
    }),
  );
}

/**
 * Retires a site (no new location may name it; the ones that do keep it) or brings it back. Asking for
 * the state it is already in changes nothing and writes no entry, so a repeated click is harmless.
 */
export function setSiteActive(db: Db, actor: Actor, id: string, active: boolean) {
  return transaction(db, async (tx) => {
    const before = await tx.backupSite.findUnique({ where: { id } });
    if (!before) throw notFound("The site");
    if (before.active === active) return before;
    const after = await tx.backupSite.update({ where: { id }, data: { active } });
    recordAudit(tx, {
      entityType: "site",
      entityId: id,
      action: active ? "reactivate" : "retire",
      changes: diffFields(before, after, AUDITED_SITE_FIELDS),
      actor,
    });
    return after;
  });
}

const siteOrder = listOrders("sites", { name: "text" })("name", "asc");

/** Sites by name, with how many cartridges are there now. */
export async function listSites(db: Db, filters: z.output<typeof siteListSchema>) {
  const where: Prisma.BackupSiteWhereInput = {};
  if (filters.status !== "all") where.active = filters.status === "active";
  if (filters.search) where.name = { contains: filters.search, mode: "insensitive" };
  const rows = await db.backupSite.findMany({
    where: { AND: [where, ...siteOrder.after(filters.cursor)] },
    orderBy: siteOrder.orderBy,
    take: filters.limit + 1,
    include: { _count: { select: { locations: { where: { isCurrent: true } } } } },
  });
  const page = siteOrder.page(rows, filters.limit);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(({ _count, ...site }) => ({ ...site, cartridgesHere: _count.locations })),
  };
}

/**
 * Every active site, for the location forms' pickers and the phone's offline cache; with `retired`, the
 * retired ones too (after the active ones), for filters over where cartridges already are.
 */
export function siteOptions(db: Db | Tx, { retired = false } = {}): Promise<SiteOption[]> {
  return db.backupSite.findMany({
    where: retired ? {} : { active: true },
    orderBy: [{ active: "desc" }, { name: "asc" }, { id: "asc" }],
    select: {
      id: true,
      name: true,
      code: true,
      kind: true,
      active: true,
      serviceProvider: true,
      defaultCustodian: true,
    },
  });
}

/** A site with how many cartridges are there now, for its page. */
export async function getSite(db: Db, id: string) {
  const site = await db.backupSite.findUnique({
    where: { id },
    include: { _count: { select: { locations: { where: { isCurrent: true } } } } },
  });
  if (!site) throw notFound("The site");
  const { _count, ...rest } = site;
  return { ...rest, cartridgesHere: _count.locations };
}

/** What a location's site is checked by (`sitePlacementProblem`). */
export type SiteStanding = Pick<BackupSite, "id" | "name" | "kind" | "active">;

/**
 * The sites locations are about to name, read and share-locked for the rest of the transaction, so none is
 * retired between the check and the write.
 */
export async function lockSites(tx: Tx, ids: string[]): Promise<Map<string, SiteStanding>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<SiteStanding[]>`
    SELECT id, name, kind::text AS kind, active FROM backup_site WHERE id = ANY(${ids}::text[]) ORDER BY id FOR SHARE`;
  return new Map(rows.map((row) => [row.id, row]));
}

/** Why a location of this kind may not name this site (null when it may). */
export function sitePlacementProblem(
  site: Pick<BackupSite, "name" | "kind" | "active"> | undefined,
  kind: LocationKind,
): string | null {
  if (!site) return "The site is not known: choose one from the list";
  if (!site.active) return `${site.name} is retired: choose another site`;
  if (kind === "in_transit") return "A cartridge in transit is at no site: leave the site empty";
  if (site.kind !== kind)
    return `${site.name} is ${SITE_KIND_LABEL[site.kind].toLowerCase()}: log the cartridge as ${LOCATION_KIND_LABEL[site.kind].toLowerCase()}`;
  return null;
}

/** Each distinct free-text site of locations that name no site, with a site of the same name if one exists. */
export async function legacySiteTexts(db: Db) {
  const rows = await db.$queryRaw<
    { text: string; locations: bigint; current: bigint; site_id: string | null; site_name: string | null }[]
  >`
    SELECT l.site AS text, count(*) AS locations, count(*) FILTER (WHERE l.is_current) AS current,
           min(s.id) AS site_id, min(s.name) AS site_name
    FROM backup_tape_location l
    LEFT JOIN backup_site s ON lower(s.name) = lower(l.site)
    WHERE l.site_id IS NULL AND l.site IS NOT NULL AND l.site <> ''
    GROUP BY l.site
    ORDER BY l.site`;
  return rows.map((row) => ({
    text: row.text,
    locations: Number(row.locations),
    current: Number(row.current),
    sameName: row.site_id && row.site_name ? { id: row.site_id, name: row.site_name } : null,
  }));
}

/**
 * Sets the site of every location whose free text is one of the mapped texts and that names no site yet,
 * creating the sites asked for, all in one transaction with an entry per site. A text with nothing left to
 * map is skipped, creation included, so sending the same mapping again changes nothing.
 */
export function mapLegacySites(db: Db, actor: Actor, { mappings }: MapLegacySitesInput) {
  return transaction(db, async (tx) => {
    const results: { text: string; siteId: string; locations: number }[] = [];
    for (const mapping of mappings) {
      const [{ count }] = await tx.$queryRaw<[{ count: bigint }]>`
        SELECT count(*) AS count FROM backup_tape_location WHERE site_id IS NULL AND site = ${mapping.text}`;
      if (count === 0n) continue;
      const site = mapping.create
        ? await createMappedSite(tx, actor, mapping.create)
        : await tx.backupSite.findUnique({ where: { id: mapping.siteId } });
      if (!site) throw new DomainError("NOT_FOUND", `The site chosen for "${mapping.text}" was not found`);
      const locations = await tx.$executeRaw`
        UPDATE backup_tape_location SET site_id = ${site.id} WHERE site_id IS NULL AND site = ${mapping.text}`;
      recordAudit(tx, {
        entityType: "site",
        entityId: site.id,
        action: "map_legacy",
        changes: { text: { from: null, to: mapping.text }, locations: { from: 0, to: locations } },
        actor,
      });
      results.push({ text: mapping.text, siteId: site.id, locations });
    }
    return results;
  });
}

/** A site created while mapping: a taken name is refused before the insert, which would abort the whole mapping. */
async function createMappedSite(tx: Tx, actor: Actor, input: SiteInput) {
  const [taken] = await tx.$queryRaw<{ name: string }[]>`
    SELECT name FROM backup_site WHERE lower(name) = lower(${input.name})`;
  if (taken) throw new DomainError("CONFLICT", `A site named ${taken.name} already exists: choose it instead`);
  return createSiteInTx(tx, actor, input);
}
