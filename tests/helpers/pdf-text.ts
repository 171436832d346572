import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A PDF's text as poppler's `pdftotext -layout` lays it out, one string per page: how tests read the
 * documents the server makes, as a person would.
 */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-pdf-"));
  try {
    const file = path.join(dir, "document.pdf");
    fs.writeFileSync(file, pdf);
    const { stdout } = await run("pdftotext", ["-layout", file, "-"], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.split("\f").filter((page) => page.trim() !== "");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
