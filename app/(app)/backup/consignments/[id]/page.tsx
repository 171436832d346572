import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { DetailItem } from "@/app/_components/detail-item";
import { Moment } from "@/app/_components/time-zone";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";
import { Badge, StateBadge } from "../../_components/consignment-badges";
import { Timeline } from "../../_components/timeline";
import { ConsignmentActions } from "./consignment-actions";
import { ConsignmentLines } from "./consignment-lines";
import { loadConsignment } from "./load-consignment";

export const metadata: Metadata = { title: "Consignment" };

const seals = (numbers: string[]) => (numbers.length > 0 ? numbers.join(", ") : "—");

/** A moment and who acted then: "1 Dec 2026, 14:05 by Ros". */
function When({ at, by }: { at: Date | null; by: string | null }) {
  if (!at) return <>—</>;
  return (
    <>
      <Moment value={at} />
      {by && <span className="block text-xs font-normal text-slate-500">by {by}</span>}
    </>
  );
}

/** Who signed for the case at a hand-over, with their signature as drawn. */
function Signed({ role, name, signature }: { role: string; name: string | null; signature: string | null }) {
  if (!name) return null;
  return (
    <figure className="card p-4" data-testid={`${role.toLowerCase()}-signature`}>
      <figcaption className="text-xs text-slate-500">{role}</figcaption>
      <p className="font-medium">{name}</p>
      {signature && (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL, nothing for the image optimiser to do
        <img
          src={signature}
          alt={`Signature of ${name}`}
          className="mt-2 h-16 rounded border border-slate-200 bg-white"
        />
      )}
    </figure>
  );
}

function Notice({ tone, title, children }: { tone: "red" | "amber"; title: string; children: ReactNode }) {
  const colours =
    tone === "red" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900";
  return (
    <div role="note" className={`mt-4 rounded-md border px-4 py-3 text-sm ${colours}`}>
      <p className="font-medium">{title}</p>
      <div className="mt-0.5">{children}</div>
    </div>
  );
}

export default async function ConsignmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const consignment = await loadConsignment(id);
  const { fromSite, toSite } = consignment;

  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup/consignments" className="text-sm text-brand-700 hover:underline">
        ← Consignments
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-2xl font-semibold">{consignment.number}</h1>
        <StateBadge state={consignment.state} />
        {consignment.overdue && <Badge tone="bad">Overdue in transit</Badge>}
        {consignment.needsApproval && consignment.state !== "cancelled" && <Badge tone="neutral">Needs approval</Badge>}
      </div>
      <p className="mt-1 text-slate-700">
        <Link href={`/manage/sites/${fromSite.id}`} className="text-brand-700 hover:underline">
          {fromSite.name}
        </Link>
        {" → "}
        <Link href={`/manage/sites/${toSite.id}`} className="text-brand-700 hover:underline">
          {toSite.name}
        </Link>{" "}
        <span className="text-sm text-slate-500">({SITE_KIND_LABEL[toSite.kind].toLowerCase()})</span>
      </p>

      <ConsignmentActions
        consignment={{
          id: consignment.id,
          number: consignment.number,
          state: consignment.state,
          createdById: consignment.createdById,
          submittedById: consignment.submittedById,
          sealIncident: consignment.sealIncident,
        }}
      />

      {consignment.state === "draft" && consignment.rejectionReason && (
        <Notice tone="amber" title={`Rejected by ${consignment.decidedByName ?? "an approver"}`}>
          <p data-testid="rejection-reason">{consignment.rejectionReason}</p>
          <p className="mt-1 text-xs">Change what is needed and submit it again.</p>
        </Notice>
      )}
      {consignment.state === "cancelled" && (
        <Notice tone="amber" title={`Cancelled by ${consignment.cancelledByName ?? "someone"}`}>
          <p>{consignment.cancelReason}</p>
        </Notice>
      )}
      {consignment.sealDiscrepancy && (
        <Notice
          tone={consignment.sealIncident ? "red" : "amber"}
          title={consignment.sealIncident ? "Seal discrepancy" : "Seal discrepancy, resolved"}
        >
          <p>{consignment.sealDiscrepancy}</p>
          {consignment.sealResolution && (
            <p className="mt-1">
              Resolved by {consignment.sealResolvedByName}: {consignment.sealResolution}
            </p>
          )}
        </Notice>
      )}

      <dl className="card mt-4 grid grid-cols-2 gap-4 p-5 text-sm sm:grid-cols-4">
        <DetailItem label="Case">{consignment.containerId ?? "—"}</DetailItem>
        <DetailItem label="Created">
          <When at={consignment.createdAt} by={consignment.createdByName} />
        </DetailItem>
        <DetailItem label="Submitted">
          <When at={consignment.submittedAt} by={null} />
        </DetailItem>
        <DetailItem label={consignment.rejectionReason ? "Rejected" : "Approved"}>
          <When at={consignment.decidedAt} by={consignment.decidedByName} />
        </DetailItem>
        <DetailItem label="Dispatched">
          <When at={consignment.dispatchedAt} by={consignment.dispatchedByName} />
        </DetailItem>
        <DetailItem label="Seals at dispatch">{seals(consignment.sealNumbers)}</DetailItem>
        <DetailItem label="Received">
          <When at={consignment.receivedAt} by={consignment.receivedByName} />
        </DetailItem>
        <DetailItem label="Seals at receipt">
          {seals(consignment.receivedSealNumbers)}
          {consignment.sealIntact !== null && (
            <span className="block text-xs font-normal text-slate-500">
              {consignment.sealIntact ? "intact" : "broken"}
            </span>
          )}
        </DetailItem>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-xs text-slate-500">Notes</dt>
          <dd className="whitespace-pre-wrap">{consignment.notes || "—"}</dd>
        </div>
      </dl>

      {(consignment.courierName || consignment.receiverName) && (
        <div className="mt-4 grid gap-4 sm:grid-cols-2">
          <Signed role="Courier" name={consignment.courierName} signature={consignment.dispatchSignature} />
          <Signed role="Receiver" name={consignment.receiverName} signature={consignment.receiptSignature} />
        </div>
      )}

      <ConsignmentLines
        consignment={{
          id: consignment.id,
          number: consignment.number,
          state: consignment.state,
          lines: consignment.lines,
        }}
      />

      <div className="mt-8">
        <Timeline entityType="consignment" entityId={consignment.id} />
      </div>
    </div>
  );
}
