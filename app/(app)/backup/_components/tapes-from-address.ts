import "server-only";
import { serverCaller } from "@/app/_trpc/server";
import { normaliseLabel } from "@/lib/lto";

/**
 * The cartridges a form starts with from its address's `barcodes=A,B` (a list's selection or a cartridge's
 * page): each label once, at most `max`, those no cartridge has kept apart to say so.
 */
export async function tapesFromAddress(barcodes: string | undefined, max: number) {
  const wanted = [...new Set((barcodes ?? "").split(",").map(normaliseLabel).filter(Boolean))].slice(0, max);
  const caller = await serverCaller();
  const found = await Promise.all(wanted.map((barcode) => caller.tapes.byBarcode({ barcode })));
  return {
    tapes: found.flatMap((tape) => (tape ? [{ id: tape.id, barcode: tape.barcode }] : [])),
    unknown: wanted.filter((_, index) => !found[index]),
  };
}
