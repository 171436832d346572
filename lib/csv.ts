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
/**
 * A CSV file's rows as records keyed by its header line, blank lines skipped, with the line each row
 * started on. Quoted fields may hold separators and line breaks; a file exported from Excel with a byte
 * order mark or semicolons reads the same.
 */
export function fromCsv(text: string): { header: string[]; rows: { line: number; cells: Record<string, string> }[] } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    delimitersToGuess: [",", ";", "\t"],
    transformHeader: (name) => name.trim(),
  });
  const header = parsed.meta.fields ?? [];
  // Papaparse counts rows, not lines: a quoted field with a line break in it spans two.
  let line = 2;
  const rows = parsed.data.map((cells) => {
    const row = { line, cells };
    line += 1 + Object.values(cells).reduce((breaks, value) => breaks + (String(value).match(/\n/g)?.length ?? 0), 0);
    return row;
  });
  return { header, rows };
}

export function toCsv(fields: readonly string[], rows: readonly CsvRow[], header = true): string {
  if (rows.length === 0) return header ? Papa.unparse([[...fields]], CSV_OPTIONS) + "\r\n" : "";
  return Papa.unparse({ fields: [...fields], data: [...rows] }, { ...CSV_OPTIONS, header }) + "\r\n";
}
