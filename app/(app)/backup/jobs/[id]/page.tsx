import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Timeline } from "@/app/(app)/backup/_components/timeline";
import { formatBytes } from "@/lib/format";
import { formatCalendarDate } from "@/lib/dates";
import { jobOrigin } from "@/lib/jobs";
import { Can } from "@/app/_components/writers-only";
import { RecallPanel } from "../../_components/recall-panel";
import { DeleteJobButton } from "../_components/delete-job-button";
import { SpanEditor } from "../_components/span-editor";
import { SpanList } from "../_components/span-list";
import { VerificationBadge } from "../_components/verification-badge";
import { loadJob } from "./load-job";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await loadJob((await params).id)).name };
}

function Detail({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "sm:col-span-2 lg:col-span-3" : undefined}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-sm">{children}</dd>
    </div>
  );
}

export default async function JobPage({ params }: Props) {
  const { id } = await params;
  const job = await loadJob(id);
  // A server component renders once per request: "now" is the time of this request.
  // eslint-disable-next-line react-hooks/purity
  const expired = job.expiresAt.getTime() <= Date.now();

  return (
    <div className="mx-auto max-w-4xl space-y-6">
      <div>
        <Link href="/backup" className="text-sm text-brand-700 hover:underline">
          ← Backup Monitor
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <p className="text-sm text-slate-500">Backup job</p>
            <h1 className="break-words text-2xl font-semibold">{job.name}</h1>
          </div>
          <div className="flex gap-2">
            <Can capability="jobs.edit">
              <Link href={`/backup/jobs/${job.id}/edit`} className="btn-secondary">
                Edit
              </Link>
            </Can>
            <Can capability="jobs.delete">
              <DeleteJobButton jobId={job.id} />
            </Can>
          </div>
        </div>
      </div>

      <dl className="card grid gap-4 p-5 sm:grid-cols-2 lg:grid-cols-3">
        <Detail label="Job date">{formatCalendarDate(job.jobDate)}</Detail>
        <Detail label="Retention">{job.retentionDays.toLocaleString("en")} days</Detail>
        <Detail label="Expires">
          <span data-testid="job-expiry">{formatCalendarDate(job.expiresAt)}</span>
          {expired && (
            <span className="ml-2 rounded bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800">Expired</span>
          )}
        </Detail>
        <Detail label="Total size">
          <span title={`${job.totalBytes.toLocaleString("en")} bytes`}>{formatBytes(job.totalBytes)}</span>
        </Detail>
        <Detail label="Total files">{job.totalFiles.toLocaleString("en")}</Detail>
        <Detail label="Verification">
          <VerificationBadge result={job.verification} />
        </Detail>
        <Detail label="Source system">{job.sourceSystem ?? "—"}</Detail>
        <Detail label="Responsible technician">{job.technician ?? "—"}</Detail>
        <Detail label="Origin">
          <span data-testid="job-origin">{jobOrigin(job)}</span>
        </Detail>
        <Detail label="Notes" wide>
          <span className="whitespace-pre-wrap">{job.notes ?? "—"}</span>
        </Detail>
      </dl>

      <section aria-labelledby="span-title" className="card p-5">
        <h2 id="span-title" className="text-lg font-semibold">
          Cartridges
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          In spanning order: the job starts on the first and continues on the next.
        </p>
        <Can capability="jobs.edit" otherwise={<SpanList tapes={job.tapes} linkTapes />}>
          <SpanEditor jobId={job.id} initial={job.tapes} />
        </Can>
      </section>

      <RecallPanel subject={{ jobId: job.id }} name={job.name} />

      <Timeline entityType="job" entityId={job.id} />
    </div>
  );
}
