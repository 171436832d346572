import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "@/app/_trpc/server";
import { LOCATION_KIND_LABEL, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import { WritersOnly } from "@/app/_components/writers-only";
import { FindTape } from "./_components/find-tape";
import { JobsTable } from "./_components/jobs-table";
import { DistributionChart } from "./_components/summary-charts";
import { TapesTable } from "./_components/tapes-table";

export const metadata: Metadata = { title: "Backup Monitor" };

const STATUS_COLOR = {
  empty: "#94a3b8",
  in_use: "#1f5fbf",
  full: "#0f766e",
  pending_destruction: "#d97706",
  destroyed: "#b91c1c",
};
const LOCATION_COLOR = { on_site: "#1f5fbf", in_transit: "#d97706", off_site: "#0f766e", none: "#cbd5e1" };

function Metric({ label, value, testId, note }: { label: string; value: number; testId: string; note?: string }) {
  return (
    <div className="card p-4">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value.toLocaleString("en")}
      </dd>
      {note && <dd className="text-xs text-slate-500">{note}</dd>}
    </div>
  );
}

export default async function BackupOverviewPage() {
  const summary = await (await serverCaller()).tapes.summary();

  return (
    <div className="mx-auto max-w-6xl">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Backup Monitor</h1>
          <p className="mt-1 text-sm text-slate-600">
            Tape cartridges, the jobs on them, where they are and who holds them.
          </p>
        </div>
        <FindTape />
      </div>

      <WritersOnly>
        <div className="mt-4 flex flex-wrap gap-2" data-testid="quick-actions">
          <Link href="/backup/tapes/new" className="btn-primary">
            Register tape cartridge
          </Link>
          <Link href="/backup/jobs/new" className="btn-secondary">
            Log backup job
          </Link>
        </div>
      </WritersOnly>

      <dl className="mt-6 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Metric label="Tape cartridges" value={summary.tapes} testId="metric-tapes" />
        <Metric label="Backup jobs" value={summary.jobs} testId="metric-jobs" />
        <Metric label="Off site" value={summary.byLocation.off_site ?? 0} testId="metric-off-site" />
        <Metric
          label="Data expiring soon"
          value={summary.expiringSoon}
          testId="metric-expiring"
          note={`cartridges, next ${summary.expiringWindowDays} days`}
        />
      </dl>

      <div className="mt-3 grid gap-3 md:grid-cols-2">
        <DistributionChart
          title="Cartridges by status"
          slices={Object.entries(TAPE_STATUS_LABEL).map(([key, label]) => ({
            key: `status-${key}`,
            label,
            value: summary.byStatus[key] ?? 0,
            color: STATUS_COLOR[key as keyof typeof STATUS_COLOR],
          }))}
        />
        <DistributionChart
          title="Cartridges by location"
          slices={[
            ...Object.entries(LOCATION_KIND_LABEL).map(([key, label]) => ({
              key: `location-${key}`,
              label,
              value: summary.byLocation[key] ?? 0,
              color: LOCATION_COLOR[key as keyof typeof LOCATION_COLOR],
            })),
            { key: "location-none", label: "Not logged", value: summary.byLocation.none, color: LOCATION_COLOR.none },
          ]}
        />
      </div>

      <TapesTable />
      <JobsTable />
    </div>
  );
}
