import type { Metadata } from "next";
import Link from "next/link";
import { DetailItem } from "@/app/_components/detail-item";
import { Moment } from "@/app/_components/time-zone";
import { serverCaller } from "@/app/_trpc/server";
import { formatCalendarDate } from "@/lib/dates";
import { METHOD_LABEL, scratchProblem } from "@/lib/destruction";
import { formatBytes } from "@/lib/format";
import { MEDIA_TYPE_LABEL } from "@/lib/lto";
import { describePlace } from "@/lib/tapes";
import { LOCATION_KIND_LABEL, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import { Timeline, type TimelineEvent } from "../../_components/timeline";
import { NonStandardMark } from "../../_components/non-standard-mark";
import { RecallPanel } from "../../_components/recall-panel";
import { TapeConsignments } from "../../_components/tape-consignments";
import { EndOfLifeActions } from "./end-of-life";
import { loadTape } from "./load-tape";
import { TapeActions } from "./tape-actions";

export const metadata: Metadata = { title: "Cartridge" };

/** The cartridge's location entries and hand-offs, for its one timeline. */
function historyEvents(tape: Awaited<ReturnType<typeof loadTape>>): TimelineEvent[] {
  return [
    ...tape.locations.map((location): TimelineEvent => ({
      id: `location-${location.id}`,
      kind: "location",
      at: location.occurredAt,
      by: location.recordedByName,
      content: (
        <>
          <p>
            <span className="font-medium">{LOCATION_KIND_LABEL[location.kind]}</span>
            {location.isCurrent && (
              <span className="ml-2 rounded bg-brand-50 px-1.5 text-xs text-brand-700">current</span>
            )}
          </p>
          {describePlace(location) && <p className="text-slate-600">{describePlace(location)}</p>}
          {(location.custodian || location.serviceProvider) && (
            <p className="text-slate-600">
              {[
                location.custodian && `Custodian ${location.custodian}`,
                location.serviceProvider && `Service provider ${location.serviceProvider}`,
              ]
                .filter(Boolean)
                .join(" · ")}
            </p>
          )}
        </>
      ),
    })),
    ...tape.custodyEvents.map((event): TimelineEvent => ({
      id: `custody-${event.id}`,
      kind: "custody",
      at: event.occurredAt,
      by: event.recordedByName,
      testId: "custody-event",
      content: (
        <>
          <p className="font-medium">
            {event.fromParty} → {event.toParty}
          </p>
          <p className="text-slate-600">
            signed by {event.signerName}
            {event.containerId && ` · container ${event.containerId}`}
            {event.sealNumber && ` · seal ${event.sealNumber}`}
          </p>
          {event.notes && <p className="mt-1 text-slate-700">{event.notes}</p>}
          {event.signature && (
            // eslint-disable-next-line @next/next/no-img-element -- a data URL, nothing for the image optimiser to do
            <img
              src={event.signature}
              alt={`Signature of ${event.signerName}`}
              className="mt-2 h-16 rounded border border-slate-200 bg-white"
            />
          )}
        </>
      ),
    })),
  ];
}

export default async function TapePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tape = await loadTape(id);
  const caller = await serverCaller();
  const [consignments, destruction] = await Promise.all([
    caller.consignments.ofTape({ tapeId: tape.id }),
    caller.destruction.ofTape({ tapeId: tape.id }),
  ]);
  const current = tape.currentLocation;

  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-2xl font-semibold">{tape.barcode}</h1>
        <span className="rounded bg-slate-100 px-2 py-0.5 text-sm" data-testid="tape-status">
          {TAPE_STATUS_LABEL[tape.status]}
        </span>
        {tape.nonStandardLabel && <NonStandardMark />}
      </div>
      <TapeActions tape={{ id: tape.id, barcode: tape.barcode, nonStandardLabel: tape.nonStandardLabel }} />

      <dl className="card mt-4 grid grid-cols-2 gap-4 p-5 text-sm sm:grid-cols-4">
        <DetailItem label="Generation">
          {tape.generation ? `LTO-${tape.generation}` : "Any (cleaning)"} ·{" "}
          {tape.nonStandardLabel ? "chosen by hand" : tape.mediaId}
        </DetailItem>
        <DetailItem label="Media type">{MEDIA_TYPE_LABEL[tape.mediaType]}</DetailItem>
        <DetailItem label="Native capacity">{formatBytes(tape.nativeCapacityBytes)}</DetailItem>
        <DetailItem label="Data expires">
          <span data-testid="tape-expiry">{tape.expiresAt ? formatCalendarDate(tape.expiresAt) : "No jobs"}</span>
        </DetailItem>
        <DetailItem label="Tags">{tape.tags.length ? tape.tags.join(", ") : "—"}</DetailItem>
        <DetailItem label="Registered">
          <Moment value={tape.createdAt} dayOnly />
        </DetailItem>
        <div className="col-span-2">
          <dt className="text-xs text-slate-500">Notes</dt>
          <dd className="whitespace-pre-wrap">{tape.notes || "—"}</dd>
        </div>
      </dl>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="location-title">
          <h2 id="location-title" className="text-lg font-semibold">
            Location
          </h2>
          <div className="card mt-2 p-4" data-testid="current-location">
            {current ? (
              <>
                <p className="font-medium">{LOCATION_KIND_LABEL[current.kind]}</p>
                <p className="text-sm text-slate-600">{describePlace(current) || "No place details"}</p>
                {current.siteId && (
                  <Link href={`/manage/sites/${current.siteId}`} className="text-sm text-brand-700 hover:underline">
                    About {current.site}
                  </Link>
                )}
                <p className="text-xs text-slate-500">
                  {[current.custodian && `Custodian ${current.custodian}`, current.serviceProvider]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
                <p className="mt-1 text-xs text-slate-500">
                  Since <Moment value={current.occurredAt} />
                </p>
              </>
            ) : (
              <p className="text-sm text-slate-500">No location logged yet.</p>
            )}
          </div>
        </section>

        <section aria-labelledby="jobs-title">
          <h2 id="jobs-title" className="text-lg font-semibold">
            Backup jobs on this cartridge
          </h2>
          {tape.jobs.length === 0 ? (
            <p className="card mt-2 p-4 text-sm text-slate-500">No jobs written to this cartridge yet.</p>
          ) : (
            <ul className="card mt-2 divide-y divide-slate-100 text-sm">
              {tape.jobs.map((link) => (
                <li key={link.jobId} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
                  <Link href={`/backup/jobs/${link.jobId}`} className="font-medium text-brand-700 hover:underline">
                    {link.job.name}
                  </Link>
                  <span className="text-slate-600">
                    tape {link.position} of {link.job._count.tapes} · {formatCalendarDate(link.job.jobDate)} · expires{" "}
                    {formatCalendarDate(link.job.expiresAt)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="end-of-life-title" className="mt-6" data-testid="end-of-life">
        <h2 id="end-of-life-title" className="text-lg font-semibold">
          End of life
        </h2>
        {destruction ? (
          <div className="card mt-2 p-4 text-sm">
            <p className="font-medium">
              Destroyed on {formatCalendarDate(destruction.performedAt)}:{" "}
              {METHOD_LABEL[destruction.method].toLowerCase()} by {destruction.technique.toLowerCase()}
            </p>
            <p className="text-slate-600">
              By {destruction.performedBy}
              {destruction.vendor && ` (${destruction.vendor})`} · certificate{" "}
              <Link href={`/backup/destructions/${destruction.id}`} className="text-brand-700 hover:underline">
                {destruction.number}
              </Link>
            </p>
            {destruction.overridden && (
              <p className="mt-1 text-amber-800">
                Its data had not expired: destroyed under an override ({destruction.overrideReason}).
              </p>
            )}
            <a href={`/backup/destructions/${destruction.id}/certificate`} className="btn-secondary mt-3 inline-block">
              Certificate of sanitization (PDF)
            </a>
          </div>
        ) : (
          <EndOfLifeActions
            tape={{ id: tape.id, barcode: tape.barcode }}
            scratchRefusal={scratchProblem(
              {
                barcode: tape.barcode,
                status: tape.status,
                locationKind: current?.kind ?? null,
                dataExpiresAt: tape.expiresAt,
              },
              new Date(),
            )}
          />
        )}
      </section>

      <RecallPanel subject={{ tapeId: tape.id }} name={tape.barcode} />
      <TapeConsignments consignments={consignments} />

      <div className="mt-6">
        <Timeline
          entityType="tape"
          entityId={tape.id}
          events={historyEvents(tape)}
          exportHref={`/backup/export/history?tape=${tape.id}`}
        />
      </div>
    </div>
  );
}
