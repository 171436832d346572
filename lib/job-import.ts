import { z } from "zod";
import { fromCsv } from "./csv";
import { reportedJobSchema, type ReportedJob } from "./job-report";
import { text } from "./text";

/**
 * A job log exported from any backup software, one job per row. Column names are matched loosely (case,
 * spaces and punctuation aside) against these, so "Job name", "job_name" and "NAME" all read as the name.
 */
export const IMPORT_COLUMNS = {
  name: { label: "Name", required: true, aliases: ["name", "jobname", "job"] },
  jobDate: { label: "Date", required: true, aliases: ["date", "jobdate", "starttime", "started", "start"] },
  retentionDays: { label: "Retention (days)", required: true, aliases: ["retention", "retentiondays", "keepdays"] },
  totalFiles: { label: "Files", required: false, aliases: ["files", "totalfiles", "filecount", "jobfiles"] },
  totalBytes: { label: "Bytes", required: false, aliases: ["bytes", "totalbytes", "size", "jobbytes"] },
  barcodes: { label: "Barcodes", required: true, aliases: ["barcodes", "barcode", "volumes", "tapes", "media"] },
  sourceSystem: { label: "Source system", required: false, aliases: ["sourcesystem", "source", "client", "host"] },
  technician: { label: "Technician", required: false, aliases: ["technician", "operator"] },
  verification: { label: "Verification", required: false, aliases: ["verification", "verified"] },
  notes: { label: "Notes", required: false, aliases: ["notes", "comment", "comments"] },
  externalId: { label: "Job id", required: false, aliases: ["jobid", "id", "externalid"] },
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

export const MAX_IMPORT_ROWS = 5_000;
export const MAX_IMPORT_CHARS = 5_000_000;

/** Jobs imported with a job id are found again by it under this name: importing the file twice updates them. */
export const IMPORT_SYSTEM = "csv";

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** A header line's names for a message: the first few, each cut short, so the message stays readable. */
const named = (header: string[]) =>
  header
    .slice(0, 8)
    .map((name) => (name.length > 40 ? `${name.slice(0, 40)}…` : name))
    .join(", ") + (header.length > 8 ? `, and ${header.length - 8} more` : "");

export type ImportRow = {
  line: number;
  /** What the row says, as read, for the preview. */
  cells: Partial<Record<ImportColumn, string>>;
  job: (ReportedJob & { externalId: string | null }) | null;
  problems: string[];
};

export type ParsedImport = { columns: Partial<Record<ImportColumn, string>>; rows: ImportRow[]; problems: string[] };

const BARCODE_SEPARATORS = /[\s;,|]+/;

/** One row's cells as the API's job body, so a CSV row is checked by exactly the rules a reported job is. */
function asReportedJob(cells: Partial<Record<ImportColumn, string>>) {
  const value = (column: ImportColumn) => cells[column]?.trim() || undefined;
  const whole = (column: ImportColumn) => value(column)?.replace(/[\s,_]/g, "");
  const retention = value("retentionDays");
  return {
    name: value("name") ?? "",
    // "2026-11-30 22:00" as spreadsheets write it: a time without a zone is taken as UTC.
    jobDate:
      value("jobDate")?.replace(
        /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(:\d\d)?$/,
        (_, day: string, minutes: string, seconds = ":00") => `${day}T${minutes}${seconds}Z`,
      ) ?? "",
    retentionDays: retention && /^-?\d+$/.test(retention) ? Number(retention) : retention,
    totalFiles: whole("totalFiles"),
    totalBytes: whole("totalBytes"),
    verification: value("verification")?.toLowerCase().replace(/\s+/g, "_"),
    sourceSystem: value("sourceSystem"),
    technician: value("technician"),
    notes: value("notes"),
    barcodes: (value("barcodes") ?? "").split(BARCODE_SEPARATORS).filter(Boolean),
  };
}

function problemsOf(error: z.ZodError): string[] {
  return [
    ...new Set(
      error.issues.map((issue) => {
        const column = issue.path[0] as ImportColumn | undefined;
        const label = column && column in IMPORT_COLUMNS ? IMPORT_COLUMNS[column].label : undefined;
        return label ? `${label}: ${issue.message}` : issue.message;
      }),
    ),
  ];
}

/**
 * A job log CSV read and checked row by row, before anything is written: the columns found, each row as
 * a job or with its problems in words, and the file's own problems (a required column missing, too many
 * rows, the same job id twice).
 */
export function parseJobImport(text: string): ParsedImport {
  if (text.length > MAX_IMPORT_CHARS) {
    return { columns: {}, rows: [], problems: [`The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB`] };
  }
  const { header, rows } = fromCsv(text);
  const columns: Partial<Record<ImportColumn, string>> = {};
  for (const name of header) {
    const column = (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).find((key) =>
      (IMPORT_COLUMNS[key].aliases as readonly string[]).includes(squash(name)),
    );
    if (column && !columns[column]) columns[column] = name;
  }
  const problems: string[] = [];
  const missing = (Object.keys(IMPORT_COLUMNS) as ImportColumn[]).filter(
    (key) => IMPORT_COLUMNS[key].required && !columns[key],
  );
  if (missing.length > 0) {
    problems.push(
      `The file has no ${missing.map((key) => IMPORT_COLUMNS[key].label).join(", ")} column${missing.length > 1 ? "s" : ""}: ` +
        `its header line names ${header.length > 0 ? named(header) : "nothing"}`,
    );
    return { columns, rows: [], problems };
  }
  if (rows.length === 0) problems.push("The file has a header line but no rows");
  if (rows.length > MAX_IMPORT_ROWS) {
    problems.push(
      `The file has ${rows.length.toLocaleString("en")} rows; import at most ${MAX_IMPORT_ROWS.toLocaleString("en")} at a time`,
    );
  }

  const seenIds = new Map<string, number>();
  const parsed = rows.slice(0, MAX_IMPORT_ROWS).map(({ line, cells: raw }): ImportRow => {
    const cells = Object.fromEntries(
      (Object.entries(columns) as [ImportColumn, string][]).map(([column, name]) => [column, raw[name] ?? ""]),
    ) as Partial<Record<ImportColumn, string>>;
    const checked = reportedJobSchema.safeParse(asReportedJob(cells));
    const rowProblems = checked.success ? [] : problemsOf(checked.error);
    const externalId = cells.externalId?.trim() || null;
    if (externalId && externalId.length > 200) rowProblems.push("Job id: at most 200 characters");
    if (externalId && seenIds.has(externalId)) {
      rowProblems.push(`Job id: ${externalId} is also on line ${seenIds.get(externalId)}`);
    } else if (externalId) seenIds.set(externalId, line);
    return {
      line,
      cells,
      job: checked.success && rowProblems.length === 0 ? { ...checked.data, externalId } : null,
      problems: rowProblems,
    };
  });
  return { columns, rows: parsed, problems };
}

export const jobImportSchema = z.object({
  fileName: text().trim().min(1, "Name the file").max(200, "The file name must be at most 200 characters"),
  csv: text().max(MAX_IMPORT_CHARS, `The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB`),
  registerUnknown: z.boolean().default(false),
});
export type JobImportInput = z.input<typeof jobImportSchema>;
