"use client";

import Link from "next/link";
import { useCallback, useMemo, useRef } from "react";
import { toast } from "sonner";
import { ScanInput, type ScanOutcome } from "@/app/(app)/backup/scan/scan-input";
import { locationInWords } from "@/app/_client/field-audits";
import { useFieldSync } from "@/app/_client/field-sync";
import { InvalidEventError } from "@/app/_client/invalid-event-error";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { Moment } from "@/app/_components/time-zone";
import { ReadOnlyNotice, useCan } from "@/app/_components/writers-only";
import { AUDIT_STATE_LABEL } from "@/lib/audits";
import { FieldNotice } from "../../_components/field-notice";
import { BarcodeList, TallyCounts, TallySection } from "../../_components/scan-tally";
import { auditReadOutcome, tallyAudit, type KnownPlace } from "./audit-check";
import { useFieldAudit, type ScannedAudit } from "./use-field-audit";
import { auditScope } from "@/lib/vocabulary";

const TO_LIST = { href: "/backup/scan", label: "Audits to scan" };

/**
 * Scanning the labels on a site's shelves for an audit, with a connection or without: each read is one
 * `audit.scanned` event in the outbox, and the screen shows at every read what is present, misplaced,
 * unknown and still to scan, from this device's scans and (online) everyone else's.
 */
export function AuditScanScreen({ id }: { id: string }) {
  const allowed = useCan("audits.scan");
  const found = useFieldAudit(id);

  if (!allowed)
    return (
      <div className="mx-auto max-w-lg">
        <h1 className="text-2xl font-semibold">Scan for an audit</h1>
        <ReadOnlyNotice capability="audits.scan" />
      </div>
    );
  if (found.status === "loading") return <p className="text-sm text-slate-500">Loading…</p>;
  if (found.status === "unknown")
    return (
      <FieldNotice title="Audit not available" back={TO_LIST}>
        <p>{found.reason}</p>
      </FieldNotice>
    );
  const { audit } = found;
  if (audit.state !== "open")
    return (
      <FieldNotice title={`${audit.number} is ${AUDIT_STATE_LABEL[audit.state].toLowerCase()}`} back={TO_LIST}>
        <p>
          Scanning for it has ended
          {audit.ended && (
            <>
              {audit.ended.by && ` (${audit.state} by ${audit.ended.by}`}
              {audit.ended.at && (
                <>
                  {" "}
                  at <Moment value={audit.ended.at} />
                </>
              )}
              {audit.ended.by && ")"}
            </>
          )}
          : labels scanned now are not counted.
        </p>
        <p>
          <Link href={`/backup/audits/${audit.id}`} className="text-brand-700 hover:underline">
            See what it found
          </Link>
        </p>
      </FieldNotice>
    );
  return <AuditScanner audit={audit} />;
}

function AuditScanner({ audit }: { audit: ScannedAudit }) {
  const sync = useFieldSync();
  // Where the device's catalogue has each cartridge, so a misplaced one is told apart from an unknown label offline.
  const catalogue = useLiveQuery(
    async (db) => new Map((await db.catalogue.toArray()).map((tape) => [tape.barcode, tape])),
    [],
  );
  const known = useCallback<KnownPlace>(
    (barcode) => {
      const tape = catalogue?.get(barcode);
      return tape ? (locationInWords(tape.location) ?? "no location recorded") : undefined;
    },
    [catalogue],
  );
  // Reads recorded in this visit, so a label read twice before the lists catch up is still queued once.
  const recorded = useRef(new Set<string>());
  const tally = useMemo(
    () => tallyAudit(audit.expected, audit.scanned, audit.applied, known),
    [audit.expected, audit.scanned, audit.applied, known],
  );

  const onScan = useCallback(
    (barcode: string): ScanOutcome => {
      const scanned = recorded.current.has(barcode) ? [...audit.scanned, barcode] : audit.scanned;
      const outcome = auditReadOutcome(barcode, audit.expected, scanned, known);
      if (scanned.includes(barcode) || !sync) return outcome;
      recorded.current.add(barcode);
      sync.engine
        .enqueue({ type: "audit.scanned", payload: { auditId: audit.id, barcode } })
        .catch((error: unknown) => {
          recorded.current.delete(barcode);
          toast.error(
            error instanceof InvalidEventError ? error.message : `${barcode} could not be saved on this device.`,
          );
        });
      return outcome;
    },
    [audit.id, audit.expected, audit.scanned, known, sync],
  );

  return (
    <div className="mx-auto grid max-w-5xl gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <div>
          <h1 className="text-2xl font-semibold">Scan {audit.number}</h1>
          <p className="text-sm text-slate-600">
            {audit.siteName} · {auditScope(audit)}
          </p>
        </div>
        <ScanInput onScan={onScan} resetKey={0} />
        <p className="text-xs text-slate-500">
          Scan every label you find here: each counts once, whoever scans it and on whichever phone.
        </p>
        <p className="text-sm text-slate-600" data-testid="audit-waiting">
          {audit.waiting === 0
            ? "Every scan from this device has reached the server."
            : `${audit.waiting} scan${audit.waiting === 1 ? "" : "s"} on this device waiting to sync.`}{" "}
          <Link href={`/backup/audits/${audit.id}`} className="text-brand-700 underline">
            The audit
          </Link>
        </p>
      </div>

      <div className="space-y-4">
        <TallyCounts
          testId="audit-counts"
          counts={[
            ["Expected", audit.expected.length],
            ["Present", tally.present.length],
            ["Misplaced", tally.misplaced.length],
            ["Unknown", tally.unknown.length],
            ["Not scanned", tally.toScan.length],
          ]}
        />
        {tally.misplaced.length > 0 && (
          <TallySection id="misplaced" title="Misplaced">
            <BarcodeList
              name="misplaced"
              barcodes={tally.misplaced}
              detail={(barcode) => (
                <span className="text-xs text-slate-600">Catalogue: {known(barcode) ?? "elsewhere"}</span>
              )}
            />
          </TallySection>
        )}
        {tally.unknown.length > 0 && (
          <TallySection id="unknown" title="Unknown labels">
            <BarcodeList name="unknown" barcodes={tally.unknown} />
          </TallySection>
        )}
        <TallySection
          id="unscanned"
          title={
            <>
              Not scanned <span className="text-sm font-normal text-slate-500">(expected, not scanned yet)</span>
            </>
          }
        >
          <BarcodeList name="unscanned" barcodes={tally.toScan} empty="Every expected cartridge is scanned." />
        </TallySection>
        {tally.present.length > 0 && (
          <TallySection id="present" title="Present">
            <BarcodeList name="present" barcodes={tally.present} ticked />
          </TallySection>
        )}
      </div>
    </div>
  );
}
