import type { AuditItem } from "../audit/service";
import type { AuditValue } from "../../lib/audit";
import {
  CONSIGNMENT_STATE_LABEL,
  CONSIGNMENT_STATES,
  isReceived,
  LINE_OUTCOME_LABEL,
  type ConsignmentState,
} from "../../lib/consignments";
import { MEDIA_CHOICES } from "../../lib/lto";
import { SITE_KIND_LABEL } from "../../lib/vocabulary";
import { PdfDocument, type PdfColumn } from "../documents/pdf";
import type { getConsignment } from "./service";

/** A consignment as `getConsignment` reads it: everything the manifest shows. */
export type ConsignmentDetail = Awaited<ReturnType<typeof getConsignment>>;
type Line = ConsignmentDetail["lines"][number];
type Site = ConsignmentDetail["fromSite"];

export const manifestFilename = (number: string) => `${number}-manifest.pdf`;

const MEDIA_LABEL = new Map(MEDIA_CHOICES.map((choice) => [choice.mediaId, choice.label]));

const siteText = (site: Site) =>
  [`${site.name} (${SITE_KIND_LABEL[site.kind].toLowerCase()})`, site.address].filter(Boolean).join("\n");

const stateLabel = (value: AuditValue) =>
  typeof value === "string" && (CONSIGNMENT_STATES as readonly string[]).includes(value)
    ? CONSIGNMENT_STATE_LABEL[value as ConsignmentState]
    : String(value ?? "—");

const listText = (value: AuditValue) =>
  Array.isArray(value) ? (value.length === 0 ? "none" : value.join(", ")) : String(value ?? "—");

const cartridges = (value: AuditValue) => {
  const count = Array.isArray(value) ? value.length : 0;
  return `${count} cartridge${count === 1 ? "" : "s"}`;
};

/** What each step is called in the history. */
const STEP_NAME: Partial<Record<AuditItem["action"], string>> = {
  create: "Created",
  update: "Edited",
  submit: "Submitted",
  approve: "Approved",
  reject: "Rejected",
  cancel: "Cancelled",
  dispatch: "Dispatched",
  receive: "Received",
  declare_lost: "Declared a cartridge lost",
  mark_found: "Marked cartridges found",
  resolve: "Resolved an incident",
};

/**
 * Each recorded change of a step in words. Lists of scanned cartridges are counted (the table names each
 * one); site ids are the consignment's own sites by name.
 */
function stepDetails(entry: AuditItem, consignment: ConsignmentDetail): string[] {
  const siteName = (value: AuditValue) =>
    value === consignment.fromSite.id
      ? consignment.fromSite.name
      : value === consignment.toSite.id
        ? consignment.toSite.name
        : "another site";
  const creating = entry.action === "create";
  return Object.entries(entry.changes).flatMap(([field, { from, to }]): string[] => {
    switch (field) {
      case "state":
        return creating ? [] : [`State: ${stateLabel(from)} → ${stateLabel(to)}`];
      case "reason":
        return [`Reason: ${String(to)}`];
      case "cartridges":
        return [creating ? `Expected: ${cartridges(to)}` : `Expected: ${cartridges(from)} → ${cartridges(to)}`];
      case "scannedOut":
        return [`Scanned out: ${cartridges(to)}`];
      case "scannedIn":
        return [`Scanned in: ${cartridges(to)}`];
      case "missing":
        return [`Missing: ${listText(to)}`];
      case "unexpected":
        return [`Unexpected: ${listText(to)}`];
      case "found":
        return [`Found: ${listText(to)}`];
      case "lost":
        return [`Lost: ${listText(to)}`];
      case "cartridge":
        return [`Cartridge: ${listText(to)}`];
      case "sealNumbers":
        return [`Seals: ${listText(to)}`];
      case "receivedSealNumbers":
        return [`Seals at receipt: ${listText(to)}`];
      case "sealIntact":
        return [`Seal intact: ${to ? "yes" : "no"}`];
      case "sealDiscrepancy":
        return [`Seal discrepancy: ${String(to)}`];
      case "seal":
        return [`Seal discrepancy: ${String(from)}`];
      case "resolution":
        return [`Resolution: ${String(to)}`];
      case "courier":
        return [`Courier: ${String(to)}`];
      case "receiver":
        return [`Receiver: ${String(to)}`];
      case "notes":
        return [`Notes: ${String(to ?? "—")}`];
      case "containerId":
        return creating ? [] : [`Case: ${String(from ?? "—")} → ${String(to ?? "—")}`];
      case "fromSiteId":
        return creating ? [] : [`Leaves from: ${siteName(to)}`];
      case "toSiteId":
        return creating ? [] : [`Goes to: ${siteName(to)}`];
      default:
        // The number and whether it needs approval: shown elsewhere on the manifest.
        return [];
    }
  });
}

function sealCheck(consignment: ConsignmentDetail): string {
  if (consignment.receivedAt === null) return "Not checked yet: the case has not been received";
  const seal = consignment.sealIntact ? "Intact" : "Broken";
  if (!consignment.sealDiscrepancy) return `${seal}; the numbers match those at dispatch`;
  const resolved = consignment.sealResolvedAt
    ? `. Resolved by ${consignment.sealResolvedByName ?? "—"}: ${consignment.sealResolution ?? ""}`
    : ". Open incident";
  return `${seal}. Discrepancy: ${consignment.sealDiscrepancy}${resolved}`;
}

function approvalText(consignment: ConsignmentDetail, moment: (value: Date | null) => string): string {
  if (consignment.submittedAt === null && consignment.rejectionReason === null) return "Not submitted yet";
  if (consignment.rejectionReason !== null && consignment.state === "draft")
    return `Rejected by ${consignment.decidedByName ?? "—"}, ${moment(consignment.decidedAt)}: ${consignment.rejectionReason}`;
  if (!consignment.needsApproval) return "Not needed";
  if (consignment.decidedAt === null) return "Awaiting approval";
  return `Approved by ${consignment.decidedByName ?? "—"}, ${moment(consignment.decidedAt)}`;
}

function outcomeText(line: Line, moment: (value: Date | null) => string): string {
  const outcome = LINE_OUTCOME_LABEL[line.outcome];
  if (line.outcome !== "lost") return outcome;
  const resolved = line.resolvedAt ? `; resolved by ${line.resolvedByName ?? "—"}: ${line.resolution ?? ""}` : "";
  return `${outcome}: ${line.lostReason ?? "—"} (${line.lostByName ?? "—"}, ${moment(line.lostAt)})${resolved}`;
}

// Widths in points of the page's 495: a moment ("30 Sept 2026, 13:24") and "Unexpected" each fit on one line.
const CARTRIDGE_COLUMNS: PdfColumn[] = [
  { header: "#", width: 20, align: "right" },
  { header: "Barcode", width: 60 },
  { header: "Media", width: 50 },
  { header: "Outcome", width: 88 },
  { header: "On list", width: 52 },
  { header: "Scanned out", width: 84.5 },
  { header: "Scanned in", width: 84.5 },
  { header: "Data expires", width: 56 },
];

/**
 * A consignment's manifest as a PDF: where it goes, its case and seals and what their check found, every
 * cartridge with what it came to, the counts, the signatures at dispatch and receipt, and every step
 * taken with who took it. Moments are in `zone`, the reader's.
 */
export function consignmentManifest(consignment: ConsignmentDetail, zone: string, generatedAt = new Date()) {
  const pdf = new PdfDocument({
    title: `Consignment ${consignment.number} manifest`,
    footer: `${consignment.number} manifest`,
    zone,
    generatedAt,
  });
  const moment = (value: Date | null) => pdf.moment(value);
  const lines = consignment.lines;
  const count = (predicate: (line: Line) => boolean) => String(lines.filter(predicate).length);
  const at = (value: Date | null, by: string | null) => (value ? `${moment(value)}, recorded by ${by ?? "—"}` : "—");

  pdf.title("Consignment manifest", `${consignment.number} · ${CONSIGNMENT_STATE_LABEL[consignment.state]}`);
  pdf.keyValues([
    ["Number", consignment.number],
    ["State", `${CONSIGNMENT_STATE_LABEL[consignment.state]}${consignment.overdue ? " (overdue in transit)" : ""}`],
    ["From", siteText(consignment.fromSite)],
    ["To", siteText(consignment.toSite)],
    ["Case", consignment.containerId ?? "—"],
    ["Created", `${moment(consignment.createdAt)} by ${consignment.createdByName}`],
    ["Approval", approvalText(consignment, moment)],
    ["Dispatched", at(consignment.dispatchedAt, consignment.dispatchedByName)],
    ["Received", at(consignment.receivedAt, consignment.receivedByName)],
    ...(consignment.cancelledAt
      ? [
          [
            "Cancelled",
            `${moment(consignment.cancelledAt)} by ${consignment.cancelledByName ?? "—"}: ${consignment.cancelReason ?? ""}`,
          ] as const,
        ]
      : []),
    ...(consignment.notes ? [["Notes", consignment.notes] as const] : []),
  ]);

  pdf.heading("Seals");
  pdf.keyValues([
    ["At dispatch", consignment.sealNumbers.join(", ") || "—"],
    ["At receipt", isReceived(consignment.state) ? consignment.receivedSealNumbers.join(", ") || "none" : "—"],
    ["Seal check", sealCheck(consignment)],
  ]);

  pdf.heading("Counts");
  pdf.keyValues([
    ["Expected", count((line) => line.expected)],
    ["Scanned out", count((line) => line.scannedOutAt !== null)],
    ["Received", count((line) => line.outcome === "received")],
    ["Missing", count((line) => line.outcome === "missing")],
    ["Unexpected", count((line) => line.unexpected)],
    ["Lost", count((line) => line.outcome === "lost")],
  ]);

  pdf.heading("Cartridges");
  if (lines.length === 0) pdf.paragraph("No cartridges are on this consignment.");
  else
    pdf.table(
      CARTRIDGE_COLUMNS,
      lines.map((line, index) => [
        String(index + 1),
        line.tape.barcode,
        MEDIA_LABEL.get(line.tape.mediaId) ?? line.tape.mediaId,
        outcomeText(line, moment),
        line.unexpected ? "Unexpected" : "Expected",
        moment(line.scannedOutAt),
        moment(line.scannedInAt),
        pdf.date(line.dataExpiresAt),
      ]),
    );

  pdf.heading("Signatures");
  pdf.signatures([
    {
      label: "Courier at dispatch",
      name: consignment.courierName,
      at: consignment.dispatchedAt,
      image: consignment.dispatchSignature,
      note: consignment.dispatchedByName ? `recorded by ${consignment.dispatchedByName}` : undefined,
    },
    {
      label: "Receiver at receipt",
      name: consignment.receiverName,
      at: consignment.receivedAt,
      image: consignment.receiptSignature,
      note: consignment.receivedByName ? `recorded by ${consignment.receivedByName}` : undefined,
    },
  ]);

  pdf.heading("History");
  pdf.paragraph(
    "Each step as the server recorded it. A dispatch or receipt scanned on a phone without signal is recorded when the phone syncs; when it happened is given above.",
  );
  pdf.history(
    consignment.history.map((entry) => ({
      at: entry.at,
      who: entry.actor.name,
      what: STEP_NAME[entry.action] ?? entry.action.replaceAll("_", " "),
      details: stepDetails(entry, consignment),
    })),
  );

  return pdf.finish();
}
