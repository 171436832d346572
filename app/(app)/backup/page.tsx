import type { Metadata } from "next";
import Link from "next/link";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { formatBytes } from "@/lib/format";
import { MEDIA_TYPE_LABEL } from "@/lib/lto";
import { TAPE_STATUS_LABEL } from "@/lib/tapes";

export const metadata: Metadata = { title: "Backup Monitor" };

function Metric({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="card p-4">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value.toLocaleString("en")}
      </dd>
    </div>
  );
}

export default async function BackupOverviewPage({ searchParams }: { searchParams: Promise<{ registered?: string }> }) {
  const { registered } = await searchParams;
  const caller = await serverCaller();
  const [viewer, summary, recent] = await Promise.all([getViewer(), caller.tapes.summary(), caller.tapes.recent()]);
  const canWrite = viewer?.backupAccess === "write";

  return (
    <div className="mx-auto max-w-6xl">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Backup Monitor</h1>
          <p className="mt-1 text-sm text-slate-600">Tape cartridges, where they are and who holds them.</p>
        </div>
        {canWrite && (
          <div className="flex gap-2" data-testid="quick-actions">
            <Link href="/backup/tapes/new" className="btn-primary">
              Register tape cartridge
            </Link>
          </div>
        )}
      </div>

      {registered && (
        <p role="status" className="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Cartridge {registered} registered.
        </p>
      )}

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Metric label="Tape cartridges" value={summary.tapes} testId="metric-tapes" />
        <Metric label="Backup jobs" value={summary.jobs} testId="metric-jobs" />
        {Object.entries(TAPE_STATUS_LABEL).map(([status, label]) =>
          summary.byStatus[status] ? <Metric key={status} label={label} value={summary.byStatus[status]} /> : null,
        )}
      </dl>

      <section className="mt-8" aria-labelledby="recent-title">
        <h2 id="recent-title" className="text-lg font-semibold">
          Recently registered
        </h2>
        {recent.length === 0 ? (
          <div className="card mt-3 p-8 text-center text-sm text-slate-600">
            <p className="font-medium text-slate-800">No tape cartridges are registered yet.</p>
            {canWrite && <p className="mt-1">Register the first one with the button above, by typing or scanning its label.</p>}
          </div>
        ) : (
          <ul className="card mt-3 divide-y divide-slate-200" aria-label="Recently registered cartridges">
            {recent.map((tape) => (
              <li key={tape.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3 text-sm">
                <span className="font-mono font-medium">{tape.barcode}</span>
                <span className="text-slate-600">
                  {tape.generation ? `LTO-${tape.generation}` : "Cleaning"} · {MEDIA_TYPE_LABEL[tape.mediaType]} ·{" "}
                  {formatBytes(tape.nativeCapacityBytes)}
                </span>
                <span className="rounded bg-slate-100 px-2 py-0.5 text-xs">{TAPE_STATUS_LABEL[tape.status]}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
