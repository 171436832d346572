import type { Metadata } from "next";
import Link from "next/link";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { can } from "@/lib/capabilities";
import { LOCATION_KIND_LABEL, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import { FindTape } from "./_components/find-tape";
import { ConsignmentsOverview } from "./_components/consignments-overview";
import { RotationOverview } from "./_components/rotation-overview";
import { JobsTable } from "./_components/jobs-table";
import { NeedsAttention } from "./_components/needs-attention";
import { firstJobsInput, firstTapesInput } from "./_components/overview-tables";
import { BreakdownChart, DistributionChart } from "./_components/summary-charts";
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
const SITE_COLORS = ["#1f5fbf", "#0f766e", "#7c3aed", "#d97706", "#be185d", "#0891b2", "#65a30d", "#475569"];

function Metric({
  label,
  value,
  testId,
  note,
  href,
}: {
  label: string;
  value: number;
  testId: string;
  note?: string;
  /** Where the cartridges counted are listed. */
  href?: string;
}) {
  const count = value.toLocaleString("en");
  return (
    <div className="card p-4">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {href ? (
          <Link href={href} className="text-brand-700 hover:underline">
            {count}
          </Link>
        ) : (
          count
        )}
      </dd>
      {note && <dd className="text-xs text-slate-500">{note}</dd>}
    </div>
  );
}

/** The cartridge table's filters an address may set, e.g. from "Data expiring soon". */
function tableFilters(params: { dataExpiresWithin?: string }) {
  const days = Number(params.dataExpiresWithin);
  return Number.isInteger(days) && days > 0 && days <= 3650
    ? { dataExpiresWithin: days, sort: "dataExpiry" as const }
    : undefined;
}

export default async function BackupOverviewPage({
  searchParams,
}: {
  searchParams: Promise<{ dataExpiresWithin?: string }>;
}) {
  const caller = await serverCaller();
  const initial = tableFilters(await searchParams);
  const [summary, rotation, consignments, attention, tapes, jobs] = await Promise.all([
    caller.tapes.summary(),
    caller.rotation.overview(),
    caller.consignments.overview(),
    caller.reminders.attention(),
    caller.tapes.list(firstTapesInput(initial)),
    caller.jobs.list(firstJobsInput()),
  ]);
  const viewer = await getViewer();
  const canRegister = can(viewer, "catalogue.edit");
  const canLogJob = can(viewer, "jobs.edit");

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

      {(canRegister || canLogJob) && (
        <div className="mt-4 flex flex-wrap gap-2" data-testid="quick-actions">
          {canRegister && (
            <Link href="/backup/tapes/new" className="btn-primary">
              Register tape cartridge
            </Link>
          )}
          {canLogJob && (
            <Link href="/backup/jobs/new" className="btn-secondary">
              Log backup job
            </Link>
          )}
          {canLogJob && (
            <Link href="/backup/jobs/import" className="btn-secondary">
              Import jobs from CSV
            </Link>
          )}
        </div>
      )}

      <NeedsAttention attention={attention} />

      <dl className="mt-3 grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Metric label="Tape cartridges" value={summary.tapes} testId="metric-tapes" />
        <Metric label="Backup jobs" value={summary.jobs} testId="metric-jobs" />
        <Metric label="Off site" value={summary.byLocation.off_site ?? 0} testId="metric-off-site" />
        <Metric
          label="Data expiring soon"
          value={summary.expiringSoon}
          testId="metric-expiring"
          note={`cartridges, next ${summary.expiringWindowDays} days`}
          href={`/backup?dataExpiresWithin=${summary.expiringWindowDays}#cartridges`}
        />
      </dl>

      <RotationOverview overview={rotation} />
      <ConsignmentsOverview overview={consignments} />

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
        <BreakdownChart
          title="Cartridges by location"
          views={[
            {
              label: "By kind",
              slices: [
                ...Object.entries(LOCATION_KIND_LABEL).map(([key, label]) => ({
                  key: `location-${key}`,
                  label,
                  value: summary.byLocation[key] ?? 0,
                  color: LOCATION_COLOR[key as keyof typeof LOCATION_COLOR],
                })),
                {
                  key: "location-none",
                  label: "Not logged",
                  value: summary.byLocation.none,
                  color: LOCATION_COLOR.none,
                },
              ],
            },
            {
              label: "By site",
              slices: summary.bySite.map((row, index) => ({
                key: `site-${row.siteId ?? "none"}`,
                label: row.name ?? "No named site",
                value: row.count,
                color: row.siteId ? SITE_COLORS[index % SITE_COLORS.length]! : LOCATION_COLOR.none,
              })),
            },
          ]}
        />
      </div>

      <div id="cartridges">
        <TapesTable key={JSON.stringify(initial)} initial={initial} firstPage={tapes} />
      </div>
      <JobsTable firstPage={jobs} />
    </div>
  );
}
