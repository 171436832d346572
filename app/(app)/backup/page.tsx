import type { Metadata } from "next";
import { serverCaller } from "@/app/_trpc/server";

export const metadata: Metadata = { title: "Backup Monitor" };

const STATUS_LABEL = { empty: "Empty", in_use: "In use", full: "Full", pending_destruction: "Pending destruction", destroyed: "Destroyed" };

export default async function BackupOverviewPage() {
  const summary = await (await serverCaller()).tapes.summary();
  return (
    <div className="mx-auto max-w-6xl">
      <h1 className="text-2xl font-semibold">Backup Monitor</h1>
      <p className="mt-1 text-sm text-slate-600">Tape cartridges, the backup jobs written to them, where they are and who holds them.</p>
      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <div className="card p-4">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Tape cartridges</dt>
          <dd className="mt-1 text-2xl font-semibold" data-testid="metric-tapes">{summary.tapes}</dd>
        </div>
        <div className="card p-4">
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Backup jobs</dt>
          <dd className="mt-1 text-2xl font-semibold" data-testid="metric-jobs">{summary.jobs}</dd>
        </div>
        {Object.entries(STATUS_LABEL).map(([status, label]) =>
          summary.byStatus[status] ? (
            <div key={status} className="card p-4">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
              <dd className="mt-1 text-2xl font-semibold">{summary.byStatus[status]}</dd>
            </div>
          ) : null,
        )}
      </dl>
      {summary.tapes === 0 && (
        <div className="card mt-6 p-8 text-center">
          <p className="font-medium">No tape cartridges are registered yet.</p>
        </div>
      )}
    </div>
  );
}
