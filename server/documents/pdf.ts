import PDFDocument from "pdfkit";
import { formatCalendarDate, formatMoment } from "../../lib/dates";
import { signatureProblem } from "../custody/signature";

/**
 * The documents the server makes as PDF (a consignment's manifest, and any later report or certificate):
 * one look for all of them, built from a few blocks — a title, label–value pairs, a table whose header row
 * repeats on every page, signatures, a history — with "Page n of m" and when it was made on every page.
 */

const PAGE = { size: "A4", margin: 50, bottom: 64 } as const;
const FONT = "Helvetica";
const BOLD = "Helvetica-Bold";
const BODY = 10;
const SMALL = 8.5;
const MUTED = "#555555";
const RULE = "#bbbbbb";
const HEADER_FILL = "#e8e8e8";
const CELL_PADDING = 3;

/**
 * pdfkit's standard fonts (Helvetica, no font file to ship) encode text as WinAnsi (Windows-1252): any other
 * character would print as a wrong glyph. These are the code points they can show.
 */
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a, 0x201c,
  0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);
const inWinAnsi = (code: number) =>
  code === 0x0a || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

/** Stand-ins for characters the product itself writes that WinAnsi lacks. */
const REPLACEMENTS: Record<string, string> = {
  "→": "->",
  "←": "<-",
  "≤": "<=",
  "≥": ">=",
  "≠": "!=",
  "−": "-",
  "\u2009": " ",
  "\u202f": " ",
  "\t": " ",
  "\r": "",
};

/**
 * Text as the standard fonts can print it: a character outside WinAnsi becomes its stand-in, else its
 * letter without accents (ł stays a question mark, ą becomes a), else "?", so nothing prints garbled.
 */
export function toWinAnsi(value: string): string {
  let result = "";
  for (const char of value) {
    if (inWinAnsi(char.codePointAt(0)!)) result += char;
    else if (char in REPLACEMENTS) result += REPLACEMENTS[char];
    else {
      const bare = char.normalize("NFKD").replace(/\p{M}/gu, "");
      result += bare !== "" && [...bare].every((part) => inWinAnsi(part.codePointAt(0)!)) ? bare : "?";
    }
  }
  return result;
}

export type PdfColumn = {
  header: string;
  /** Its share of the page's width, relative to the other columns'. */
  width: number;
  align?: "left" | "right";
};

export type PdfSignature = {
  /** Whose signature this is, e.g. "Courier at dispatch". */
  label: string;
  name: string | null;
  at: Date | null;
  /** A PNG data URL, as the signature pad sends it. */
  image: string | null;
  /** Said under the name, e.g. who recorded it. */
  note?: string;
};

export type PdfHistoryEntry = { at: Date; who: string; what: string; details: string[] };

export type PdfOptions = {
  title: string;
  /** Named in every page's footer, e.g. "C-2026-0001 manifest". */
  footer: string;
  /** The reader's IANA time zone: every moment in the document is shown in it. */
  zone: string;
  generatedAt?: Date;
};

/** A document being written; `finish` returns it as a PDF file's bytes. */
export class PdfDocument {
  private readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;
  private readonly generatedAt: Date;

  constructor(private readonly options: PdfOptions) {
    this.generatedAt = options.generatedAt ?? new Date();
    this.doc = new PDFDocument({
      size: PAGE.size,
      margins: { top: PAGE.margin, left: PAGE.margin, right: PAGE.margin, bottom: PAGE.bottom },
      // Kept in memory so the footers, which need the page count, are written once everything else is.
      bufferPages: true,
      info: { Title: toWinAnsi(options.title), Creator: "Backup Monitor", CreationDate: this.generatedAt },
    });
    const chunks: Buffer[] = [];
    this.doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    this.done = new Promise((resolve, reject) => {
      this.doc.on("end", () => resolve(Buffer.concat(chunks)));
      this.doc.on("error", reject);
    });
    this.doc.font(FONT).fontSize(BODY);
  }

  /** A moment in the reader's zone. */
  moment(value: Date | null | undefined): string {
    return formatMoment(value, this.options.zone);
  }

  /** A calendar date (an expiry), the same day for every reader. */
  date(value: Date | null | undefined): string {
    return formatCalendarDate(value);
  }

  private get left() {
    return this.doc.page.margins.left;
  }
  private get width() {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  private get bottom() {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  private ensureSpace(height: number) {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private heightOf(value: string, width: number, font = FONT, size = BODY) {
    return this.doc
      .font(font)
      .fontSize(size)
      .heightOfString(toWinAnsi(value) || " ", { width });
  }

  private write(value: string, x: number, y: number | undefined, options: PDFKit.Mixins.TextOptions = {}) {
    this.doc.text(toWinAnsi(value), x, y, options);
  }

  title(title: string, subtitle?: string): this {
    this.doc.font(BOLD).fontSize(18).fillColor("black");
    this.write(title, this.left, undefined, { width: this.width });
    if (subtitle) {
      this.doc.font(FONT).fontSize(12).fillColor(MUTED);
      this.write(subtitle, this.left, undefined, { width: this.width });
    }
    this.doc.fillColor("black").moveDown(0.8);
    return this;
  }

  /** A section's heading, kept on the page with at least the start of what follows it. */
  heading(text: string): this {
    this.doc.moveDown(0.6);
    this.ensureSpace(this.heightOf(text, this.width, BOLD, 12) + 40);
    this.doc.font(BOLD).fontSize(12).fillColor("black");
    this.write(text, this.left, undefined, { width: this.width });
    this.doc.moveDown(0.3);
    return this;
  }

  paragraph(text: string): this {
    this.doc.font(FONT).fontSize(BODY).fillColor("black");
    this.write(text, this.left, undefined, { width: this.width });
    this.doc.moveDown(0.4);
    return this;
  }

  /** Label–value pairs, the labels in a column of their own; long values wrap beside their label. */
  keyValues(rows: readonly (readonly [label: string, value: string])[]): this {
    const labelWidth = 140;
    const gap = 10;
    const valueWidth = this.width - labelWidth - gap;
    for (const [label, value] of rows) {
      const height = Math.max(this.heightOf(label, labelWidth, BOLD), this.heightOf(value, valueWidth));
      this.ensureSpace(height);
      const y = this.doc.y;
      this.doc.font(BOLD).fontSize(BODY).fillColor("black");
      this.write(label, this.left, y, { width: labelWidth });
      this.doc.font(FONT);
      this.write(value || "—", this.left + labelWidth + gap, y, { width: valueWidth });
      this.doc.y = y + height + 3;
    }
    this.doc.x = this.left;
    return this;
  }

  /**
   * A table: the header row starts it and again every page it runs onto; a long cell wraps within its
   * column and makes its row taller. A row taller than a whole page is cut with an ellipsis.
   */
  table(columns: readonly PdfColumn[], rows: readonly (readonly string[])[]): this {
    const share = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / share) * this.width);
    const inner = (index: number) => widths[index]! - 2 * CELL_PADDING;

    const drawRow = (cells: readonly string[], header: boolean, height: number) => {
      const y = this.doc.y;
      if (header) this.doc.rect(this.left, y, this.width, height).fill(HEADER_FILL);
      this.doc
        .font(header ? BOLD : FONT)
        .fontSize(SMALL)
        .fillColor("black");
      let x = this.left;
      cells.forEach((cell, index) => {
        this.write(cell, x + CELL_PADDING, y + CELL_PADDING, {
          width: inner(index),
          height: height - 2 * CELL_PADDING,
          ellipsis: true,
          align: columns[index]?.align ?? "left",
        });
        x += widths[index]!;
      });
      this.doc
        .moveTo(this.left, y + height)
        .lineTo(this.left + this.width, y + height)
        .lineWidth(0.5)
        .strokeColor(RULE)
        .stroke();
      this.doc.y = y + height;
    };
    const rowHeight = (cells: readonly string[], font: string) =>
      Math.max(...cells.map((cell, index) => this.heightOf(cell, inner(index), font, SMALL))) + 2 * CELL_PADDING;

    const headers = columns.map((column) => column.header);
    const headerHeight = rowHeight(headers, BOLD);
    const drawHeader = () => drawRow(headers, true, headerHeight);
    const tallest = this.bottom - this.doc.page.margins.top - headerHeight;

    this.ensureSpace(headerHeight + rowHeight(rows[0] ?? headers, FONT));
    drawHeader();
    for (const cells of rows) {
      const height = Math.min(rowHeight(cells, FONT), tallest);
      if (this.doc.y + height > this.bottom) {
        this.doc.addPage();
        drawHeader();
      }
      drawRow(cells, false, height);
    }
    this.doc.x = this.left;
    this.doc.moveDown(0.6);
    return this;
  }

  /** Signatures side by side, each with its signer's name, when it was signed and the image. */
  signatures(blocks: readonly PdfSignature[]): this {
    const gap = 16;
    const boxWidth = (this.width - gap) / 2;
    const imageHeight = 70;
    const boxHeight = 64 + imageHeight;
    for (let start = 0; start < blocks.length; start += 2) {
      this.ensureSpace(boxHeight);
      const y = this.doc.y;
      blocks.slice(start, start + 2).forEach((block, index) => {
        const x = this.left + index * (boxWidth + gap);
        const width = boxWidth - 16;
        this.doc.rect(x, y, boxWidth, boxHeight).lineWidth(0.5).strokeColor(RULE).stroke();
        this.doc.font(BOLD).fontSize(BODY).fillColor("black");
        this.write(block.label, x + 8, y + 8, { width, height: 14, ellipsis: true });
        this.doc.font(FONT).fontSize(SMALL);
        this.write(block.name ? `Signed by ${block.name}` : "Not signed", x + 8, y + 24, {
          width,
          height: 11,
          ellipsis: true,
        });
        this.doc.fillColor(MUTED);
        this.write(
          [block.at ? this.moment(block.at) : null, block.note].filter(Boolean).join(" · ") || " ",
          x + 8,
          y + 36,
          { width, height: 11, ellipsis: true },
        );
        this.doc.fillColor("black");
        this.signatureImage(block.image, x + 8, y + 54, width, imageHeight);
      });
      this.doc.y = y + boxHeight + 8;
    }
    this.doc.x = this.left;
    return this;
  }

  /** The image, when it is one the app accepts (the same check as when it was recorded); else why not. */
  private signatureImage(image: string | null, x: number, y: number, width: number, height: number) {
    const problem = image === null ? "No signature image" : signatureProblem(image);
    if (problem || image === null) {
      this.doc.font(FONT).fontSize(SMALL).fillColor(MUTED);
      this.write(problem ?? "No signature image", x, y + height / 2 - 5, { width });
      this.doc.fillColor("black");
      return;
    }
    const png = Buffer.from(image.slice(image.indexOf(",") + 1), "base64");
    this.doc.image(png, x, y, { fit: [width, height], valign: "center" });
  }

  /** Entries in the order they happened: when, who and what, then each detail on its own line. */
  history(entries: readonly PdfHistoryEntry[]): this {
    const indent = 12;
    for (const entry of entries) {
      const line = `${this.moment(entry.at)} — ${entry.who}: ${entry.what}`;
      this.ensureSpace(this.heightOf(line, this.width, BOLD) + (entry.details.length > 0 ? 12 : 0));
      this.doc.font(BOLD).fontSize(BODY).fillColor("black");
      this.write(line, this.left, undefined, { width: this.width });
      this.doc.font(FONT).fontSize(SMALL).fillColor(MUTED);
      for (const detail of entry.details)
        this.write(detail, this.left + indent, undefined, { width: this.width - indent });
      this.doc.fillColor("black").moveDown(0.4);
    }
    this.doc.x = this.left;
    return this;
  }

  /** Writes every page's footer and ends the document. */
  finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    const generated = `${this.options.footer} · Generated ${this.moment(this.generatedAt)} · Times in ${this.options.zone}`;
    for (let index = range.start; index < range.start + range.count; index++) {
      this.doc.switchToPage(index);
      const { margins } = this.doc.page;
      // Below the bottom margin: pdfkit would start a new page for text written there unless the margin goes.
      const bottom = margins.bottom;
      margins.bottom = 0;
      const y = this.doc.page.height - bottom + 24;
      const pageWidth = this.doc.page.width - margins.left - margins.right;
      this.doc.font(FONT).fontSize(SMALL).fillColor(MUTED);
      this.write(generated, margins.left, y, { width: pageWidth * 0.75, lineBreak: false });
      this.write(`Page ${index - range.start + 1} of ${range.count}`, margins.left, y, {
        width: pageWidth,
        align: "right",
        lineBreak: false,
      });
      margins.bottom = bottom;
    }
    this.doc.end();
    return this.done;
  }
}
