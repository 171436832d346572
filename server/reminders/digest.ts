import { formatCalendarDate, formatMoment, UTC } from "../../lib/dates";
import { ATTENTION_ITEMS, ATTENTION_PATH, ATTENTION_TEXT, countOf, type AttentionItem } from "../../lib/reminders";
import { NEXT_MOVE_LABEL } from "../../lib/rotation";
import { unreachable } from "../../lib/exhaustive";
import type { Attention } from "./attention";
import type { MailMessage } from "./mailer";

/** One named thing under an item: a cartridge, a consignment or a site, with the page that shows it. */
type Line = { text: string; path: string };

const tapePath = (id: string) => `/backup/tapes/${id}`;
const consignmentPath = (id: string) => `/backup/consignments/${id}`;

/** The lines the digest names under `item`; moments are in UTC, as the digest says. */
function linesOf(attention: Attention, item: AttentionItem): Line[] {
  const { items } = attention;
  switch (item) {
    case "send":
    case "bringBack":
      return items[item].examples.map((tape) => ({
        text: `${tape.barcode}: ${NEXT_MOVE_LABEL[item === "send" ? "send" : "bring_back"].toLowerCase()} ${formatCalendarDate(tape.nextMove)}${tape.overdue ? " (overdue)" : ""}${tape.site ? `, at ${tape.site}` : ""}`,
        path: tapePath(tape.id),
      }));
    case "overdueConsignments":
      return items.overdueConsignments.examples.map((row) => ({
        text: `${row.number}: ${row.fromSite} to ${row.toSite}, dispatched ${formatMoment(row.dispatchedAt, UTC)} UTC`,
        path: consignmentPath(row.id),
      }));
    case "consignmentIncidents":
      return items.consignmentIncidents.examples.map((line) => ({
        text: `${line.tape.barcode}: ${line.kind} in ${line.consignment.number}`,
        path: consignmentPath(line.consignment.id),
      }));
    case "sealIncidents":
      return items.sealIncidents.examples.map((row) => ({
        text: `${row.number}: ${row.sealDiscrepancy}`,
        path: consignmentPath(row.id),
      }));
    case "auditMissing":
      return items.auditMissing.examples.map((line) => ({
        text: `${line.tape.barcode}: missing at ${line.audit.siteName} (audit ${line.audit.number})`,
        path: `/backup/audits/${line.audit.id}`,
      }));
    case "inventoryDue":
      return items.inventoryDue.examples.map((site) => ({
        text: `${site.siteName}: last complete audit ${site.lastCompleteAuditAt ? formatMoment(site.lastCompleteAuditAt, UTC, true) : "never"}`,
        path: `/manage/sites/${site.siteId}`,
      }));
    default:
      return unreachable(item, "attention item");
  }
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);

/**
 * The daily digest for one person as plain text and simple HTML, or null when nothing needs attention (no
 * e-mail is sent then). Every item due is named with its count, its first few cartridges, consignments or
 * sites, and a link to the full list at `appUrl`.
 */
export function digestMessage(
  attention: Attention,
  { appUrl, recipientName }: { appUrl: string; recipientName: string },
): Omit<MailMessage, "to"> | null {
  if (attention.total === 0) return null;
  const link = (path: string) => new URL(path, appUrl).toString();
  const day = formatCalendarDate(attention.at);
  const sections = ATTENTION_ITEMS.filter((item) => attention.items[item].count > 0).map((item) => {
    const { count, examples } = attention.items[item];
    const overdue = item === "send" || item === "bringBack" ? attention.items[item].overdue : 0;
    return {
      heading: `${ATTENTION_TEXT[item](count)}${overdue > 0 ? ` (${overdue.toLocaleString("en")} overdue)` : ""}`,
      href: link(ATTENTION_PATH[item]),
      lines: linesOf(attention, item).map((line) => ({ text: line.text, href: link(line.path) })),
      more: count - examples.length,
    };
  });
  const settings = link("/manage/notifications");
  const intro = `This is what needs attention in Backup Monitor on ${day}.`;
  const footer = "You receive this because you turned on the daily digest in Manage → Notifications";

  const text = [
    `Hello ${recipientName},`,
    "",
    intro,
    ...sections.flatMap((section) => [
      "",
      section.heading,
      ...section.lines.map((line) => `  - ${line.text}`),
      ...(section.more > 0 ? [`  and ${section.more.toLocaleString("en")} more`] : []),
      `  ${section.href}`,
    ]),
    "",
    `${footer}: ${settings}`,
    "",
  ].join("\n");

  const html = [
    `<p>Hello ${escapeHtml(recipientName)},</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    ...sections.map(
      (section) =>
        `<h2 style="font-size:16px;margin:16px 0 4px"><a href="${escapeHtml(section.href)}">${escapeHtml(section.heading)}</a></h2>` +
        `<ul>${section.lines.map((line) => `<li><a href="${escapeHtml(line.href)}">${escapeHtml(line.text)}</a></li>`).join("")}` +
        `${section.more > 0 ? `<li>and ${section.more.toLocaleString("en")} more</li>` : ""}</ul>`,
    ),
    `<p style="color:#64748b;font-size:12px">${escapeHtml(footer)}: <a href="${escapeHtml(settings)}">${escapeHtml(settings)}</a></p>`,
  ].join("\n");

  return {
    subject: `Backup Monitor, ${day}: ${countOf(sections.length, "item needs", "items need")} attention`,
    text,
    html,
  };
}
