import { AUDIT_OUTCOME_LABEL, AUDIT_STATE_LABEL, type AuditOutcome } from "../../lib/audits";
import type { AuditItem } from "../audit/service";
import type { AuditValue } from "../../lib/audit";
import { toCsv } from "../../lib/csv";
import { SITE_KIND_LABEL } from "../../lib/vocabulary";
import { PdfDocument, type PdfColumn } from "../documents/pdf";
import type { getAudit } from "./service";

/** An audit as `getAudit` reads it: everything the report shows. */
export type AuditDetail = Awaited<ReturnType<typeof getAudit>>;

export const reportFilename = (number: string, extension: "pdf" | "csv") => `${number}-report.${extension}`;

/** One cartridge of the report: an expected one, or a label scanned that was not expected. */
export type ReportLine = {
  barcode: string;
  outcome: AuditOutcome;
  expected: boolean;
  scannedAt: Date | null;
  scannedByName: string | null;
  /** Where the catalogue had it when scanned, or why that is not said. */
  catalogueHad: string;
  /** What happened to it since: registered during the audit, marked missing, resolved. */
  note: string;
};

/**
 * Every cartridge of an audit once, by label: each expected one with what it came to, then each label
 * scanned that was not expected (misplaced or unknown).
 */
export function reportLines(audit: AuditDetail): ReportLine[] {
  const place = `${audit.site.name}, ${audit.scope}`;
  const expected = audit.expected.map((line): ReportLine => {
    const resolution = line.resolvedAt ? `; resolved by ${line.resolvedByName ?? "—"}: ${line.resolution ?? ""}` : "";
    return {
      barcode: line.barcode,
      outcome: line.outcome,
      expected: true,
      scannedAt: line.scannedAt,
      scannedByName: line.scannedByName,
      catalogueHad: place,
      note: line.missingAt ? `Marked missing by the corrections${resolution}` : "",
    };
  });
  const others = audit.scans
    .filter((scan) => scan.outcome !== "present")
    .map((scan): ReportLine => ({
      barcode: scan.barcode,
      outcome: scan.outcome,
      expected: false,
      scannedAt: scan.scannedAt,
      scannedByName: scan.scannedByName,
      catalogueHad: scan.outcome === "misplaced" ? (scan.catalogueLocation ?? "—") : "not in the catalogue",
      note: scan.registered ? "Registered during the audit" : "",
    }));
  return [...expected, ...others].sort((a, b) => (a.barcode < b.barcode ? -1 : a.barcode > b.barcode ? 1 : 0));
}

/** What each step is called in the history. */
const STEP_NAME: Partial<Record<AuditItem["action"], string>> = {
  create: "Started",
  close: "Closed",
  cancel: "Cancelled",
  apply_corrections: "Applied the corrections",
  resolve: "Resolved a missing cartridge",
  update: "Registered an unknown label",
};

const count = (value: AuditValue) => {
  const total = Array.isArray(value) ? value.length : 0;
  return `${total} cartridge${total === 1 ? "" : "s"}`;
};
const listText = (value: AuditValue) =>
  Array.isArray(value) ? (value.length === 0 ? "none" : value.join(", ")) : String(value ?? "—");

/** Each recorded change of a step in words; the lists of labels behind the counts are in the table. */
function stepDetails(entry: AuditItem): string[] {
  return Object.entries(entry.changes).flatMap(([field, { to }]): string[] => {
    switch (field) {
      case "expected":
        return [`Expected: ${count(to)}`];
      case "reason":
        return [`Reason: ${String(to)}`];
      case "relocated":
        return [`Logged at the audited place: ${listText(to)}`];
      case "missing":
        return entry.action === "apply_corrections" ? [`Marked missing: ${listText(to)}`] : [];
      case "cartridge":
        return [`Cartridge: ${String(to)}`];
      case "resolution":
        return [`Resolution: ${String(to)}`];
      case "registered":
        return [`Registered: ${String(to)}`];
      default:
        // The state, counts and lists: shown elsewhere on the report.
        return [];
    }
  });
}

// Widths in points of the page's 495: a moment ("30 Sept 2026, 13:24") fits on one line.
const CARTRIDGE_COLUMNS: PdfColumn[] = [
  { header: "#", width: 22, align: "right" },
  { header: "Barcode", width: 62 },
  { header: "Outcome", width: 62 },
  { header: "Scanned", width: 84 },
  { header: "Scanned by", width: 70 },
  { header: "Where the catalogue had it", width: 110 },
  { header: "Note", width: 85 },
];

/**
 * An audit's report as a PDF: the site and scope, who started and closed it and when, the counts, every
 * cartridge with what it came to and where the catalogue had it, and every step. Moments are in `zone`,
 * the reader's.
 */
export function auditReportPdf(audit: AuditDetail, zone: string, generatedAt = new Date()) {
  const pdf = new PdfDocument({
    title: `Inventory audit ${audit.number} report`,
    footer: `${audit.number} report`,
    zone,
    generatedAt,
  });
  const moment = (value: Date | null) => pdf.moment(value);
  const by = (at: Date | null, name: string | null) => (at ? `${moment(at)} by ${name ?? "—"}` : "—");
  const lines = reportLines(audit);

  pdf.title("Inventory audit report", `${audit.number} · ${AUDIT_STATE_LABEL[audit.state]}`);
  pdf.keyValues([
    ["Number", audit.number],
    ["State", AUDIT_STATE_LABEL[audit.state]],
    [
      "Site",
      [`${audit.site.name} (${SITE_KIND_LABEL[audit.site.kind].toLowerCase()})`, audit.site.address]
        .filter(Boolean)
        .join("\n"),
    ],
    ["Scope", audit.scope],
    ["Started", by(audit.startedAt, audit.startedByName)],
    ["Closed", by(audit.closedAt, audit.closedByName)],
    ...(audit.cancelledAt
      ? [["Cancelled", `${by(audit.cancelledAt, audit.cancelledByName)}: ${audit.cancelReason ?? ""}`] as const]
      : []),
    ["Corrections", audit.correctedAt ? `Applied ${by(audit.correctedAt, audit.correctedByName)}` : "Not applied"],
    ...(audit.notes ? [["Notes", audit.notes] as const] : []),
  ]);

  pdf.heading("Counts");
  pdf.keyValues([
    ["Expected", String(audit.counts.expected)],
    ["Present", String(audit.counts.present)],
    ["Misplaced", String(audit.counts.misplaced)],
    ["Unknown", String(audit.counts.unknown)],
    [audit.state === "closed" ? "Missing" : "Not scanned", String(audit.counts.missing)],
  ]);

  pdf.heading("Cartridges");
  if (lines.length === 0) pdf.paragraph("Nothing was expected and nothing was scanned.");
  else
    pdf.table(
      CARTRIDGE_COLUMNS,
      lines.map((line, index) => [
        String(index + 1),
        line.barcode,
        AUDIT_OUTCOME_LABEL[line.outcome],
        moment(line.scannedAt),
        line.scannedByName ?? "—",
        line.catalogueHad,
        line.note,
      ]),
    );

  pdf.heading("History");
  pdf.paragraph(
    "Each step as the server recorded it. Scans are not steps: each is listed above with when it was made and by whom.",
  );
  pdf.history(
    audit.history.map((entry) => ({
      at: entry.at,
      who: entry.actor.name,
      what: STEP_NAME[entry.action] ?? entry.action.replaceAll("_", " "),
      details: stepDetails(entry),
    })),
  );

  return pdf.finish();
}

export const REPORT_CSV_COLUMNS = [
  "audit",
  "site",
  "scope",
  "barcode",
  "outcome",
  "expected",
  "scanned_at",
  "scanned_by",
  "catalogue_location",
  "note",
] as const;

/** The report's cartridges as CSV, one row each, moments as ISO 8601 in UTC as every export of the app has them. */
export function auditReportCsv(audit: AuditDetail): string {
  const rows = reportLines(audit).map((line) => ({
    audit: audit.number,
    site: audit.site.name,
    scope: audit.scope,
    barcode: line.barcode,
    outcome: line.outcome,
    expected: line.expected,
    scanned_at: line.scannedAt ? line.scannedAt.toISOString() : "",
    scanned_by: line.scannedByName ?? "",
    catalogue_location: line.catalogueHad,
    note: line.note,
  }));
  return toCsv(REPORT_CSV_COLUMNS, rows);
}
