import { ATTENTION_ITEMS, type AttentionItem } from "../../lib/reminders";
import { siteInventories } from "../audits/inventory-due";
import { consignmentAttention } from "../consignments/service";
import type { Db } from "../db";
import { rotationOverview } from "../rotation/service";
import { auditMissing } from "./audit-missing";

/** How many of each item the digest names; the panel shows counts only. */
export const ATTENTION_EXAMPLES = 5;

/**
 * Everything that needs someone to act, counted by the rules that decide it elsewhere: the rotation lists
 * (as `rotation.overview` computes them), consignments overdue and their incidents (server/consignments),
 * cartridges an inventory audit found missing, and sites due for an inventory. Each item costs its own
 * statements, run side by side, whatever the number of cartridges: no item is counted row by row here.
 */
export async function needsAttention(db: Db, now = new Date()) {
  const [rotation, consignments, missing, sites] = await Promise.all([
    rotationOverview(db, ATTENTION_EXAMPLES, now),
    consignmentAttention(db, ATTENTION_EXAMPLES, now),
    auditMissing(db, ATTENTION_EXAMPLES),
    siteInventories(db, now),
  ]);
  const due = sites.filter((site) => site.inventoryDue);
  const rotationItem = ({ total, overdue, items }: typeof rotation.send) => ({
    count: total,
    overdue,
    examples: items.map(({ id, barcode, site, nextMove, overdue }) => ({ id, barcode, site, nextMove, overdue })),
  });
  const items = {
    send: rotationItem(rotation.send),
    bringBack: rotationItem(rotation.bringBack),
    overdueConsignments: consignments.overdue,
    consignmentIncidents: consignments.incidents,
    sealIncidents: consignments.seals,
    auditMissing: missing,
    inventoryDue: {
      count: due.length,
      examples: due
        .slice(0, ATTENTION_EXAMPLES)
        .map(({ siteId, siteName, lastCompleteAuditAt }) => ({ siteId, siteName, lastCompleteAuditAt })),
    },
  } satisfies Record<AttentionItem, { count: number; examples: unknown[] }>;
  return { at: now, items, total: ATTENTION_ITEMS.reduce((sum, item) => sum + items[item].count, 0) };
}

export type Attention = Awaited<ReturnType<typeof needsAttention>>;
