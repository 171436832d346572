"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { useCan, useViewer } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import {
  cancelConsignmentSchema,
  rejectConsignmentSchema,
  resolveIncidentSchema,
  stepRefusal,
  type ConsignmentState,
} from "@/lib/consignments";
import { useAfterStep } from "../../_components/after-step";
import { ReasonDialog } from "../../_components/reason-dialog";

/** What the actions need to know of the consignment. */
export type ActionSubject = {
  id: string;
  number: string;
  state: ConsignmentState;
  createdById: string | null;
  submittedById: string | null;
  sealIncident: boolean;
};

type Dialog = "submit" | "approve" | "reject" | "cancel" | "seal" | null;

/**
 * The steps the consignment's state allows and the viewer may take, each confirmed first; dispatch and
 * receipt open their own screens. Nobody approves or rejects a consignment they created or submitted, so
 * those buttons are not shown to them.
 */
export function ConsignmentActions({ consignment }: { consignment: ActionSubject }) {
  const trpc = useTRPC();
  const viewer = useViewer();
  const afterStep = useAfterStep(trpc.consignments.pathKey());
  const canManage = useCan("consignments.manage");
  const canApprove = useCan("consignments.approve");
  const canDispatch = useCan("consignments.dispatch");
  const canReceive = useCan("consignments.receive");
  const [dialog, setDialog] = useState<Dialog>(null);
  const submit = useMutation(trpc.consignments.submit.mutationOptions());
  const approve = useMutation(trpc.consignments.approve.mutationOptions());
  const reject = useMutation(trpc.consignments.reject.mutationOptions());
  const cancel = useMutation(trpc.consignments.cancel.mutationOptions());
  const resolve = useMutation(trpc.consignments.resolveIncident.mutationOptions());

  const { id, number, state } = consignment;
  const allowed = (step: Parameters<typeof stepRefusal>[0]) => stepRefusal(step, state) === null;
  const ownConsignment = !!viewer && (viewer.id === consignment.createdById || viewer.id === consignment.submittedById);
  const base = `/backup/consignments/${id}`;
  function close() {
    setDialog(null);
    submit.reset();
    approve.reset();
  }

  async function onSubmitConsignment() {
    try {
      const after = await submit.mutateAsync({ id });
      close();
      await afterStep(
        after.state === "approved"
          ? `${number} submitted and approved: it needs no approval.`
          : `${number} submitted for approval.`,
      );
    } catch {
      // Shown in the dialog.
    }
  }

  async function onApprove() {
    try {
      await approve.mutateAsync({ id });
      close();
      await afterStep(`${number} approved.`);
    } catch {
      // Shown in the dialog.
    }
  }

  return (
    <div className="mt-4 flex flex-wrap gap-2" data-testid="consignment-actions">
      {canManage && allowed("edit") && (
        <Link href={`${base}/edit`} className="btn-secondary">
          Edit
        </Link>
      )}
      {canManage && allowed("submit") && (
        <button type="button" className="btn-primary" onClick={() => setDialog("submit")}>
          Submit
        </button>
      )}
      {canApprove && !ownConsignment && allowed("approve") && (
        <>
          <button type="button" className="btn-primary" onClick={() => setDialog("approve")}>
            Approve
          </button>
          <button type="button" className="btn-secondary" onClick={() => setDialog("reject")}>
            Reject
          </button>
        </>
      )}
      {canDispatch && allowed("dispatch") && (
        <Link href={`${base}/dispatch`} className="btn-primary">
          Dispatch
        </Link>
      )}
      {canReceive && allowed("receive") && (
        <Link href={`${base}/receive`} className="btn-primary">
          Receive
        </Link>
      )}
      {canManage && consignment.sealIncident && (
        <button type="button" className="btn-secondary" onClick={() => setDialog("seal")}>
          Resolve seal discrepancy
        </button>
      )}
      <a href={`${base}/manifest`} className="btn-secondary">
        Manifest (PDF)
      </a>
      {canManage && allowed("cancel") && (
        <button type="button" className="btn-secondary text-red-700" onClick={() => setDialog("cancel")}>
          Cancel consignment
        </button>
      )}

      <ConfirmDialog
        open={dialog === "submit"}
        title={`Submit ${number}?`}
        confirmLabel="Submit"
        pending={submit.isPending}
        error={submit.error && errorMessage(submit.error)}
        onConfirm={() => void onSubmitConsignment()}
        onCancel={close}
      >
        It can no longer be edited. A consignment to an off-site site goes to an approver first when the settings ask
        for it; otherwise it is approved at once and can be dispatched.
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "approve"}
        title={`Approve ${number}?`}
        confirmLabel="Approve"
        pending={approve.isPending}
        error={approve.error && errorMessage(approve.error)}
        onConfirm={() => void onApprove()}
        onCancel={close}
      >
        Once approved it can be dispatched: its cartridges scanned into the case and handed to the courier.
      </ConfirmDialog>
      <ReasonDialog
        open={dialog === "reject"}
        title={`Reject ${number}`}
        label="Why it is rejected"
        confirmLabel="Reject"
        danger
        rule={rejectConsignmentSchema.shape.reason}
        onSubmit={async (reason) => {
          await reject.mutateAsync({ id, reason });
          await afterStep(`${number} rejected: it is a draft again.`);
        }}
        onClose={close}
      >
        <p>It goes back to draft with your reason, for its author to change and submit again.</p>
      </ReasonDialog>
      <ReasonDialog
        open={dialog === "cancel"}
        title={`Cancel ${number}`}
        label="Why it is cancelled"
        confirmLabel="Cancel consignment"
        danger
        rule={cancelConsignmentSchema.shape.reason}
        onSubmit={async (reason) => {
          await cancel.mutateAsync({ id, reason });
          await afterStep(`${number} cancelled.`);
        }}
        onClose={close}
      >
        <p>Its cartridges have not left, so nothing else changes. A cancelled consignment stays on record.</p>
      </ReasonDialog>
      <ReasonDialog
        open={dialog === "seal"}
        title={`Resolve the seal discrepancy of ${number}`}
        label="How it was resolved"
        confirmLabel="Resolve"
        rule={resolveIncidentSchema.shape.note}
        onSubmit={async (note) => {
          await resolve.mutateAsync({ id, note });
          await afterStep(`The seal discrepancy of ${number} is resolved.`);
        }}
        onClose={close}
      />
    </div>
  );
}
