import Papa from "papaparse";

/**
 * A cell starting with = + - @, a tab or a carriage return is a formula to Excel and LibreOffice (a job
 * named =HYPERLINK(…) would become a link); papaparse prefixes such cells with a quote mark.
 */
const CSV_OPTIONS = { newline: "\r\n", escapeFormulae: true } as const;

export type CsvRow = Record<string, string | number | boolean>;

/**
 * Rows as CSV lines ending in a line break, in the order of `fields`, with the header line first unless
 * `header` is false (a later chunk of a streamed file). With no rows the header alone names the columns.
 */
export function toCsv(fields: readonly string[], rows: readonly CsvRow[], header = true): string {
  if (rows.length === 0) return header ? Papa.unparse([[...fields]], CSV_OPTIONS) + "\r\n" : "";
  return Papa.unparse({ fields: [...fields], data: [...rows] }, { ...CSV_OPTIONS, header }) + "\r\n";
}
