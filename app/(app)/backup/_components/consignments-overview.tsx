import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { Moment } from "@/app/_components/time-zone";
import { CONSIGNMENT_STATE_LABEL, CONSIGNMENT_STATES } from "@/lib/consignments";
import type { AppRouter } from "@/server/root";

type Overview = inferRouterOutputs<AppRouter>["consignments"]["overview"];
type Incident = Overview["incidents"][number];

const consignmentHref = (id: string) => `/backup/consignments/${id}`;

function IncidentText({ incident }: { incident: Incident }) {
  if (incident.kind === "seal") return <>seal discrepancy: {incident.reason}</>;
  const barcode = <span className="font-mono">{incident.tape?.barcode}</span>;
  if (incident.kind === "lost")
    return (
      <span className="font-semibold">
        {barcode} lost{incident.reason && `: ${incident.reason}`}
      </span>
    );
  return <>{barcode} missing</>;
}

/**
 * The overview's consignments: how many are in each state (each a link to that list), those overdue in
 * transit and every open incident, each linking to its consignment.
 */
export function ConsignmentsOverview({ overview }: { overview: Overview }) {
  const states = CONSIGNMENT_STATES.filter((state) => state !== "cancelled");
  const attention = overview.overdue.length + overview.incidents.length;
  return (
    <section aria-labelledby="consignments-title" className="card mt-3 p-4" data-testid="consignments-overview">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="consignments-title" className="font-semibold">
          Consignments
        </h2>
        <Link href="/backup/consignments" className="text-sm text-brand-700 hover:underline">
          All consignments →
        </Link>
      </div>
      <ul className="mt-2 flex flex-wrap gap-2 text-sm" aria-label="Consignments by state">
        {states.map((state) => (
          <li key={state}>
            <Link
              href={`/backup/consignments?filter=${state}`}
              className="inline-flex items-baseline gap-1.5 rounded border border-slate-200 px-2 py-1 hover:bg-slate-50"
              data-testid={`consignments-${state}`}
            >
              <span className="text-slate-600">{CONSIGNMENT_STATE_LABEL[state]}</span>
              <span className="font-semibold tabular-nums">{(overview.counts[state] ?? 0).toLocaleString("en")}</span>
            </Link>
          </li>
        ))}
      </ul>
      {attention > 0 && (
        <ul className="mt-3 space-y-1 text-sm" aria-label="Consignments needing attention">
          {overview.overdue.map((row) => (
            <li key={`overdue-${row.id}`} className="text-red-800">
              <Link href={consignmentHref(row.id)} className="font-mono font-medium hover:underline">
                {row.number}
              </Link>{" "}
              overdue in transit, {row.fromSite.name} → {row.toSite.name}, dispatched{" "}
              <Moment value={row.dispatchedAt} />
            </li>
          ))}
          {overview.incidents.map((incident) => (
            <li
              key={`${incident.kind}-${incident.consignmentId}-${incident.tape?.id ?? "seal"}`}
              className="text-red-800"
              data-testid="consignment-incident"
            >
              <Link href={consignmentHref(incident.consignmentId)} className="font-mono font-medium hover:underline">
                {incident.number}
              </Link>
              : <IncidentText incident={incident} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
