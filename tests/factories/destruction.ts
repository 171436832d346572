import type { DestructionFormValues } from "../../lib/destruction";

/** A complete in-house destruction of `tapeIds` by shredding, as the form sends it. */
export function destructionInput(
  tapeIds: string[],
  overrides: Partial<DestructionFormValues> = {},
): DestructionFormValues & { tapeIds: string[] } {
  return {
    tapeIds,
    method: "destroy",
    technique: "Shred",
    performedAt: new Date("2026-11-20T00:00:00Z"),
    performedBy: "Sam Shredder",
    witness: "Wanda Witness",
    verification: "Visual inspection of the shredded remains",
    remainsDestination: "Recycled by Acme Metals",
    ...overrides,
  };
}
