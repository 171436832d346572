"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { auditStepRefusal, cancelAuditSchema, type AuditCounts, type AuditState, type AuditStep } from "@/lib/audits";
import { useAfterStep } from "../../_components/after-step";
import { ReasonDialog } from "../../_components/reason-dialog";

/** What the actions need to know of the audit. */
export type AuditSubject = {
  id: string;
  number: string;
  state: AuditState;
  correctedAt: Date | null;
  place: string;
  counts: AuditCounts;
};

type Dialog = "close" | "cancel" | "corrections" | null;

const cartridges = (count: number) => `${count} cartridge${count === 1 ? "" : "s"}`;

/**
 * The steps the audit's state allows and the viewer may take, each confirmed first: scanning opens its own
 * screen; closing, cancelling and applying the corrections change the record for good.
 */
export function AuditActions({ audit }: { audit: AuditSubject }) {
  const trpc = useTRPC();
  const afterStep = useAfterStep(trpc.audits.pathKey());
  const canRun = useCan("audits.run");
  const canScan = useCan("audits.scan");
  const [dialog, setDialog] = useState<Dialog>(null);
  const closeAudit = useMutation(trpc.audits.close.mutationOptions());
  const cancel = useMutation(trpc.audits.cancel.mutationOptions());
  const correct = useMutation(trpc.audits.applyCorrections.mutationOptions());

  const { id, number, counts } = audit;
  const allowed = (step: AuditStep) => auditStepRefusal(step, audit) === null;
  const base = `/backup/audits/${id}`;

  function close() {
    setDialog(null);
    closeAudit.reset();
    correct.reset();
  }

  async function take(step: typeof closeAudit | typeof correct, message: string) {
    try {
      await step.mutateAsync({ id });
      close();
      await afterStep(message);
    } catch {
      // Shown in the dialog.
    }
  }

  return (
    <div className="mt-4 flex flex-wrap gap-2" data-testid="audit-actions">
      {canScan && allowed("scan") && (
        <Link href={`${base}/scan`} className="btn-primary">
          Scan labels
        </Link>
      )}
      {canRun && allowed("close") && (
        <button type="button" className="btn-primary" onClick={() => setDialog("close")}>
          Close the audit
        </button>
      )}
      {canRun && allowed("applyCorrections") && (
        <button type="button" className="btn-primary" onClick={() => setDialog("corrections")}>
          Apply corrections
        </button>
      )}
      <a href={`${base}/report`} className="btn-secondary">
        Report (PDF)
      </a>
      <a href={`${base}/report.csv`} className="btn-secondary">
        Report (CSV)
      </a>
      {canRun && allowed("cancel") && (
        <button type="button" className="btn-secondary text-red-700" onClick={() => setDialog("cancel")}>
          Cancel the audit
        </button>
      )}

      <ConfirmDialog
        open={dialog === "close"}
        title={`Close ${number}?`}
        confirmLabel="Close the audit"
        pending={closeAudit.isPending}
        error={closeAudit.error && errorMessage(closeAudit.error)}
        onConfirm={() => void take(closeAudit, `${number} closed.`)}
        onCancel={close}
      >
        Scanning ends: {cartridges(counts.missing)} of the {counts.expected} expected not scanned count as missing, and
        scans still waiting on phones will be refused. Its counts are kept as they are now.
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "corrections"}
        title={`Apply the corrections of ${number}?`}
        confirmLabel="Apply corrections"
        pending={correct.isPending}
        error={correct.error && errorMessage(correct.error)}
        onConfirm={() => void take(correct, `The corrections of ${number} are applied.`)}
        onCancel={close}
      >
        {cartridges(counts.misplaced)} found here but recorded elsewhere will be logged at {audit.place};{" "}
        {cartridges(counts.missing)} expected and not found will be marked missing, each an incident until resolved.
        This is done once.
      </ConfirmDialog>
      <ReasonDialog
        open={dialog === "cancel"}
        title={`Cancel ${number}`}
        label="Why it is cancelled"
        confirmLabel="Cancel the audit"
        danger
        rule={cancelAuditSchema.shape.reason}
        onSubmit={async (reason) => {
          await cancel.mutateAsync({ id, reason });
          await afterStep(`${number} cancelled.`);
        }}
        onClose={close}
      >
        <p>Nothing it found is acted on. A cancelled audit stays on record.</p>
      </ReasonDialog>
    </div>
  );
}
