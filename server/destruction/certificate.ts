import { METHOD_LABEL, METHOD_MEANING } from "../../lib/destruction";
import { MEDIA_TYPE_LABEL } from "../../lib/lto";
import { PdfDocument, type PdfColumn } from "../documents/pdf";
import type { getDestruction } from "./service";

/** A destruction as `getDestruction` reads it: everything the certificate shows. */
export type DestructionDetail = Awaited<ReturnType<typeof getDestruction>>;

export const certificateFilename = (number: string) => `${number}-certificate.pdf`;

const CARTRIDGE_COLUMNS: PdfColumn[] = [
  { header: "#", width: 24, align: "right" },
  { header: "Barcode", width: 110 },
  { header: "Generation", width: 90 },
  { header: "Media type", width: 90 },
  { header: "Data expired", width: 181 },
];

/**
 * A destruction's certificate of sanitization as a PDF, with what NIST SP 800-88 asks it to say: the media
 * (each cartridge with its generation and media type), the method and technique, when and by whom, the
 * witness, the vendor and its own certificate, how the result was verified, where the remains went, any
 * override of unexpired data with its reason, and lines for the signatures. Moments are in `zone`.
 */
export function destructionCertificate(destruction: DestructionDetail, zone: string, generatedAt = new Date()) {
  const pdf = new PdfDocument({
    title: `Certificate of sanitization ${destruction.number}`,
    footer: `${destruction.number} certificate of sanitization`,
    zone,
    generatedAt,
  });
  pdf.title("Certificate of sanitization", `${destruction.number} · ${destruction.tapes.length} cartridge(s)`);
  pdf.keyValues([
    ["Number", destruction.number],
    ["Method", `${METHOD_LABEL[destruction.method]} (NIST SP 800-88): ${METHOD_MEANING[destruction.method]}`],
    ["Technique", destruction.technique],
    ["Date", pdf.date(destruction.performedAt)],
    ["Performed by", destruction.performedBy],
    ["Witness", destruction.witness ?? "—"],
    ["Vendor", destruction.vendor ?? "None: done in house"],
    ["Vendor certificate", destruction.vendorCertificate ?? "—"],
    ["Verification", destruction.verification],
    ["Remains", destruction.remainsDestination],
    ["Override", destruction.overrideReason ?? "None: the data on every cartridge had expired"],
    ...(destruction.notes ? [["Notes", destruction.notes] as const] : []),
    ["Recorded", `${pdf.moment(destruction.recordedAt)} by ${destruction.recordedByName}`],
  ]);

  pdf.heading("Cartridges");
  pdf.table(
    CARTRIDGE_COLUMNS,
    destruction.tapes.map((tape, index) => [
      String(index + 1),
      tape.barcode,
      tape.generation ? `LTO-${tape.generation} (${tape.mediaId})` : `Cleaning (${tape.mediaId})`,
      MEDIA_TYPE_LABEL[tape.mediaType],
      tape.overridden ? "No: destroyed under the override" : "Yes",
    ]),
  );

  pdf.heading("Signatures");
  pdf.paragraph("By signing, each confirms that the cartridges listed were sanitized as this certificate states.");
  pdf.signatures([
    { label: "Performed by", name: null, at: null, image: null, note: destruction.performedBy },
    { label: "Witness", name: null, at: null, image: null, note: destruction.witness ?? undefined },
  ]);
  return pdf.finish();
}
