import { z } from "zod";
import { ROTATION_LIST_PATH } from "./rotation";

/**
 * What the overview's "Needs attention" panel and the daily digest list, in this order: each with what it
 * says for a count and where its items are listed. The counts come from server/reminders/attention.ts.
 */
export const ATTENTION_ITEMS = [
  "send",
  "bringBack",
  "overdueConsignments",
  "consignmentIncidents",
  "sealIncidents",
  "auditMissing",
  "inventoryDue",
] as const;
export type AttentionItem = (typeof ATTENTION_ITEMS)[number];

/** `count` of a thing, e.g. "1 cartridge", "1,204 cartridges". */
export function countOf(count: number, one: string, many: string) {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}

export const ATTENTION_TEXT: Record<AttentionItem, (count: number) => string> = {
  send: (count) => `${countOf(count, "cartridge", "cartridges")} to send off site`,
  bringBack: (count) => `${countOf(count, "cartridge", "cartridges")} to bring back`,
  overdueConsignments: (count) => `${countOf(count, "consignment", "consignments")} overdue in transit`,
  consignmentIncidents: (count) => `${countOf(count, "cartridge", "cartridges")} missing or lost in consignments`,
  sealIncidents: (count) => `${countOf(count, "seal discrepancy", "seal discrepancies")} not resolved`,
  auditMissing: (count) => `${countOf(count, "cartridge", "cartridges")} missing after an inventory audit`,
  inventoryDue: (count) => `${countOf(count, "site", "sites")} due for an inventory audit`,
};

/** Where each item's cartridges, consignments or sites are listed (a path of the app). */
export const ATTENTION_PATH: Record<AttentionItem, string> = {
  send: ROTATION_LIST_PATH.send,
  bringBack: ROTATION_LIST_PATH.bring_back,
  overdueConsignments: "/backup/consignments?filter=in_transit",
  consignmentIncidents: "/backup/consignments?filter=incidents",
  sealIncidents: "/backup/consignments?filter=incidents",
  auditMissing: "/backup/audits",
  inventoryDue: "/manage/sites",
};

/** A user's own notification settings, from Manage → Notifications. */
export const notificationSettingsSchema = z.object({
  dailyDigest: z.boolean({ message: "Choose whether to receive the daily digest" }),
});
export type NotificationSettings = z.output<typeof notificationSettingsSchema>;
