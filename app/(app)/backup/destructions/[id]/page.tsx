import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DetailItem } from "@/app/_components/detail-item";
import { Moment } from "@/app/_components/time-zone";
import { serverCaller } from "@/app/_trpc/server";
import { formatCalendarDate } from "@/lib/dates";
import { METHOD_LABEL, METHOD_MEANING } from "@/lib/destruction";
import { MEDIA_TYPE_LABEL } from "@/lib/lto";
import { Timeline } from "../../_components/timeline";

export const metadata: Metadata = { title: "Destruction" };

/** The destruction for the page, or the 404 page for an unknown or malformed id. */
async function loadDestruction(id: string) {
  try {
    return await (await serverCaller()).destruction.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
}

export default async function DestructionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const destruction = await loadDestruction(id);
  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/backup/destructions" className="text-sm text-brand-700 hover:underline">
        ← Destructions
      </Link>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
        <h1 className="font-mono text-2xl font-semibold">{destruction.number}</h1>
        <a href={`/backup/destructions/${destruction.id}/certificate`} className="btn-secondary">
          Certificate of sanitization (PDF)
        </a>
      </div>
      {destruction.overrideReason && (
        <div
          role="note"
          className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <p className="font-medium">Destroyed before all its data had expired</p>
          <p className="mt-0.5">{destruction.overrideReason}</p>
        </div>
      )}
      <dl className="card mt-4 grid grid-cols-2 gap-4 p-5 text-sm sm:grid-cols-3">
        <DetailItem label="Method">
          {METHOD_LABEL[destruction.method]}
          <span className="block text-xs font-normal text-slate-500">{METHOD_MEANING[destruction.method]}</span>
        </DetailItem>
        <DetailItem label="Technique">{destruction.technique}</DetailItem>
        <DetailItem label="Date">{formatCalendarDate(destruction.performedAt)}</DetailItem>
        <DetailItem label="Performed by">{destruction.performedBy}</DetailItem>
        <DetailItem label="Witness">{destruction.witness ?? "—"}</DetailItem>
        <DetailItem label="Vendor">
          {destruction.vendor
            ? `${destruction.vendor} · certificate ${destruction.vendorCertificate ?? "—"}`
            : "None: done in house"}
        </DetailItem>
        <DetailItem label="Verification">{destruction.verification}</DetailItem>
        <DetailItem label="Remains">{destruction.remainsDestination}</DetailItem>
        <DetailItem label="Recorded">
          <Moment value={destruction.recordedAt} /> by {destruction.recordedByName}
        </DetailItem>
        {destruction.notes && (
          <div className="col-span-2 sm:col-span-3">
            <dt className="text-xs text-slate-500">Notes</dt>
            <dd className="whitespace-pre-wrap">{destruction.notes}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="cartridges-title" className="mt-6">
        <h2 id="cartridges-title" className="text-lg font-semibold">
          Cartridges ({destruction.tapes.length})
        </h2>
        <ul className="card mt-2 divide-y divide-slate-100 text-sm" data-testid="destroyed-tapes">
          {destruction.tapes.map((tape) => (
            <li key={tape.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
              <Link href={`/backup/tapes/${tape.id}`} className="font-mono font-medium text-brand-700 hover:underline">
                {tape.barcode}
              </Link>
              <span className="text-slate-600">
                {tape.generation ? `LTO-${tape.generation}` : "Cleaning"} · {MEDIA_TYPE_LABEL[tape.mediaType]}
                {tape.overridden && " · data had not expired (override)"}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <div className="mt-6">
        <Timeline entityType="destruction" entityId={destruction.id} />
      </div>
    </div>
  );
}
