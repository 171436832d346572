import { describe, expect, test } from "vitest";
import { parseJobImport } from "../../lib/job-import";

describe("reading a job log CSV", () => {
  test("column names match loosely, separators are guessed, and a byte order mark is ignored", () => {
    const parsed = parseJobImport(
      "\uFEFFJOB_NAME\tStart Time\tretention\tBarcode\r\nNightly\t2026-11-30 22:00:05\t35\t000123l9\r\n",
    );
    expect(parsed.columns).toEqual({
      name: "JOB_NAME",
      jobDate: "Start Time",
      retentionDays: "retention",
      barcodes: "Barcode",
    });
    expect(parsed.rows[0]!.job).toMatchObject({
      name: "Nightly",
      jobDate: new Date("2026-11-30T22:00:05Z"),
      retentionDays: 35,
      barcodes: ["000123L9"],
    });
  });

  test("barcodes are listed with spaces, semicolons or commas, in spanning order; duplicates are a problem", () => {
    const parsed = parseJobImport(
      'name,date,retention,barcodes\r\nA,2026-11-30,1,"000002L9, 000001L9;000003L9"\r\nB,2026-11-30,1,000001L9 000001L9\r\n',
    );
    expect(parsed.rows[0]!.job?.barcodes).toEqual(["000002L9", "000001L9", "000003L9"]);
    expect(parsed.rows[1]!.problems).toEqual(["Barcodes: A cartridge can appear only once in a job's span"]);
  });

  test("a quoted field with a line break keeps the line numbers of the rows after it right", () => {
    const parsed = parseJobImport(
      'name,date,retention,barcodes,notes\r\nA,2026-11-30,1,000001L9,"two\nlines"\r\nB,not a date,1,000001L9,\r\n',
    );
    expect(parsed.rows.map((row) => row.line)).toEqual([2, 4]);
    expect(parsed.rows[1]!.problems[0]).toMatch(/^Date: /);
  });

  test("an empty file, a header alone and too many rows are the file's problems", () => {
    expect(parseJobImport("").problems[0]).toMatch(/^The file has no Name, Date, Retention \(days\), Barcodes columns/);
    expect(parseJobImport("name,date,retention,barcodes\r\n").problems).toEqual([
      "The file has a header line but no rows",
    ]);
    const many = [
      "name,date,retention,barcodes",
      ...Array.from({ length: 5001 }, () => "A,2026-11-30,1,000001L9"),
    ].join("\n");
    expect(parseJobImport(many).problems).toEqual(["The file has 5,001 rows; import at most 5,000 at a time"]);
  });
});
