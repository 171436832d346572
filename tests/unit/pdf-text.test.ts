import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { PdfDocument, toWinAnsi } from "../../server/documents/pdf";

describe("text for the standard PDF fonts", () => {
  test("keeps what WinAnsi has: Latin-1, the euro sign, dashes and curly quotes", () => {
    expect(toWinAnsi("Zürich – “Case 7” — 12 €, ½ · Œuvre")).toBe("Zürich – “Case 7” — 12 €, ½ · Œuvre");
  });

  test("writes the product's arrows and comparisons as plain characters", () => {
    expect(toWinAnsi("Draft → Approved ← back, ≥ 3, ≤ 5")).toBe("Draft -> Approved <- back, >= 3, <= 5");
  });

  test("drops accents WinAnsi lacks and marks what it cannot show", () => {
    expect(toWinAnsi("Łódź, Kraków, Ústí, 東京")).toBe("?ódz, Kraków, Ústí, ??");
  });

  test("what it cannot show never reaches the PDF garbled", async () => {
    const pdf = new PdfDocument({ title: "Test", footer: "Test", zone: "UTC" });
    pdf.paragraph("Server room → Łódź vault");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pdf-text-")), "test.pdf");
    fs.writeFileSync(file, await pdf.finish());
    const { stdout } = await promisify(execFile)("pdftotext", [file, "-"]);
    expect(stdout).toContain("Server room -> ?ódz vault");
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
