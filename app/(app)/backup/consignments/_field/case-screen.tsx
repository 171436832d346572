"use client";

import { useCallback, useMemo, useState, type ReactNode } from "react";
import { ScanInput, type ScanOutcome } from "@/app/(app)/backup/scan/scan-input";
import { ReadOnlyNotice, useCan, useViewer } from "@/app/_components/writers-only";
import { stepRefusal, type FieldConsignment } from "@/lib/consignments";
import { FieldNotice } from "../../_components/field-notice";
import { BarcodeList, TallyCounts, TallySection } from "../../_components/scan-tally";
import { checkCase, readOutcome, type UnexpectedChoice } from "./case-check";
import { DispatchForm, ReceiptForm } from "./step-forms";
import { useFieldConsignment } from "./use-field-consignment";
import { receiptRefusal } from "@/lib/capabilities";

export type CaseStep = "dispatch" | "receive";

const STEP = {
  dispatch: { capability: "consignments.dispatch", title: "Dispatch", verb: "scan out" },
  receive: { capability: "consignments.receive", title: "Receive", verb: "scan in" },
} as const;

/** What the cartridges are checked against: at receipt, what left in the case, or the list while the dispatch is not known here. */
export const expectedFor = (step: CaseStep, consignment: FieldConsignment) =>
  step === "receive" && consignment.state === "in_transit" ? consignment.scannedOut : consignment.expected;

const TO_LIST = { href: "/backup/scan", label: "Consignments to dispatch or receive" };

function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <FieldNotice title={title} back={TO_LIST}>
      {children}
    </FieldNotice>
  );
}

/**
 * Scanning a consignment's case out at dispatch or in at receipt, with a connection or without: what is
 * expected against what is scanned, at every read, then the seals and one signature for the case, recorded
 * as one event in the outbox.
 */
export function CaseScreen({ id, step }: { id: string; step: CaseStep }) {
  const { capability, title } = STEP[step];
  const allowed = useCan(capability);
  const viewer = useViewer();
  const found = useFieldConsignment(id);
  const [recorded, setRecorded] = useState(false);

  if (!allowed)
    return (
      <div className="mx-auto max-w-lg">
        <h1 className="text-2xl font-semibold">{title} a consignment</h1>
        <ReadOnlyNotice capability={capability} />
      </div>
    );
  if (found.status === "loading") return <p className="text-sm text-slate-500">Loading…</p>;
  if (found.status === "unknown") return <Notice title="Consignment not available">{found.reason}</Notice>;
  const { consignment } = found;
  const name = `${consignment.number}${consignment.containerId ? ` (case ${consignment.containerId})` : ""}`;

  if (recorded)
    return (
      <Notice title={`${title} of ${consignment.number} recorded`}>
        <p>It is on this device and syncs as soon as there is a connection; the Outbox shows it until then.</p>
      </Notice>
    );
  // A receipt may come before the dispatch reached the server (the courier was offline): approved will do.
  const refused =
    step === "dispatch"
      ? stepRefusal("dispatch", consignment.state)
      : consignment.state === "approved"
        ? null
        : stepRefusal("receive", consignment.state);
  if (refused) {
    const dispatchedHere = step === "dispatch" && consignment.state === "in_transit" && consignment.courierName;
    return (
      <Notice title={`${name} cannot be ${step === "dispatch" ? "dispatched" : "received"} here`}>
        <p>{refused}.</p>
        {dispatchedHere && <p>It left with {consignment.courierName}.</p>}
      </Notice>
    );
  }
  const courierRefusal = step === "receive" && viewer ? receiptRefusal(viewer, consignment.dispatchedById) : null;
  if (courierRefusal)
    return (
      <Notice title={`${name} cannot be received here`}>
        <p>{courierRefusal}.</p>
      </Notice>
    );
  return <CaseScanner consignment={consignment} step={step} onRecorded={() => setRecorded(true)} />;
}

function CaseScanner({
  consignment,
  step,
  onRecorded,
}: {
  consignment: FieldConsignment;
  step: CaseStep;
  onRecorded: () => void;
}) {
  const { title, verb } = STEP[step];
  const expected = expectedFor(step, consignment);
  const [scanned, setScanned] = useState<string[]>([]);
  const [choices, setChoices] = useState<Record<string, UnexpectedChoice>>({});
  const check = useMemo(() => checkCase(expected, scanned, choices), [expected, scanned, choices]);

  const onScan = useCallback(
    (barcode: string): ScanOutcome => {
      const outcome = readOutcome(barcode, expected, scanned, choices);
      setScanned((current) => (current.includes(barcode) ? current : [...current, barcode]));
      return outcome;
    },
    [expected, scanned, choices],
  );

  const choose = (barcode: string, choice: UnexpectedChoice) =>
    setChoices((current) => ({ ...current, [barcode]: choice }));
  const blocked =
    check.undecided.length > 0
      ? `Choose "Add to the case" or "Leave out" for ${check.undecided.join(", ")} first.`
      : null;
  const Step = step === "dispatch" ? DispatchForm : ReceiptForm;

  return (
    <div className="mx-auto grid max-w-5xl gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <div>
          <h1 className="text-2xl font-semibold">
            {title} {consignment.number}
          </h1>
          <p className="text-sm text-slate-600">
            {consignment.fromSite.name} → {consignment.toSite.name}
            {consignment.containerId && ` · case ${consignment.containerId}`}
            {step === "receive" && consignment.state === "approved" && " · its dispatch has not reached this device"}
          </p>
        </div>
        <ScanInput onScan={onScan} resetKey={0} />
        <p className="text-xs text-slate-500">
          Scan every cartridge as you {verb}: the lists on this screen follow each read.
        </p>
      </div>

      <div className="space-y-4">
        <TallyCounts
          testId="case-counts"
          counts={[
            ["Expected", expected.length],
            ["Scanned", check.found.length],
            ["Missing", check.missing.length],
            ["Unexpected", check.unexpected.length],
          ]}
        />

        {check.unexpected.length > 0 && (
          <TallySection id="unexpected" title="Not expected">
            <BarcodeList
              name="unexpected"
              barcodes={check.unexpected.map((line) => line.barcode)}
              detail={(barcode) => (
                <>
                  <button
                    type="button"
                    aria-pressed={choices[barcode] === "add"}
                    onClick={() => choose(barcode, "add")}
                    className="btn-secondary aria-pressed:border-brand-600 aria-pressed:bg-brand-50 aria-pressed:text-brand-700"
                  >
                    Add to the case
                  </button>
                  <button
                    type="button"
                    aria-pressed={choices[barcode] === "leave"}
                    onClick={() => choose(barcode, "leave")}
                    className="btn-secondary aria-pressed:border-brand-600 aria-pressed:bg-brand-50 aria-pressed:text-brand-700"
                  >
                    Leave out
                  </button>
                </>
              )}
            />
          </TallySection>
        )}

        <TallySection
          id="missing"
          title={
            <>
              Missing <span className="text-sm font-normal text-slate-500">(expected, not scanned yet)</span>
            </>
          }
        >
          <BarcodeList name="missing" barcodes={check.missing} empty="Every expected cartridge is scanned." />
        </TallySection>

        {check.found.length > 0 && (
          <TallySection id="found" title="Scanned">
            <BarcodeList name="found" barcodes={check.found} ticked />
          </TallySection>
        )}

        <Step consignment={consignment} barcodes={check.inCase} blocked={blocked} onRecorded={onRecorded} />
      </div>
    </div>
  );
}
