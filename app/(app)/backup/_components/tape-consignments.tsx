import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { Moment } from "@/app/_components/time-zone";
import type { AppRouter } from "@/server/root";
import { Badge, OutcomeBadges, StateBadge } from "./consignment-badges";

type Travelled = inferRouterOutputs<AppRouter>["consignments"]["ofTape"];

/** The consignments a cartridge travelled in or is packed in, newest first, with what it came to in each. */
export function TapeConsignments({ consignments }: { consignments: Travelled }) {
  return (
    <section aria-labelledby="consignments-title" className="mt-6">
      <h2 id="consignments-title" className="text-lg font-semibold">
        Consignments
      </h2>
      {consignments.length === 0 ? (
        <p className="card mt-2 p-4 text-sm text-slate-500">This cartridge has not been in a consignment.</p>
      ) : (
        <ul className="card mt-2 divide-y divide-slate-100 text-sm" data-testid="tape-consignments">
          {consignments.map((consignment) => (
            <li key={consignment.id} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
              <span className="flex flex-wrap items-center gap-2">
                <Link
                  href={`/backup/consignments/${consignment.id}`}
                  className="font-mono font-medium text-brand-700 hover:underline"
                >
                  {consignment.number}
                </Link>
                <StateBadge state={consignment.state} />
                <span className="text-slate-600">
                  {consignment.fromSite.name} → {consignment.toSite.name}
                </span>
              </span>
              <span className="flex flex-wrap items-center gap-2 text-slate-600">
                {consignment.dispatchedAt && (
                  <span>
                    dispatched <Moment value={consignment.dispatchedAt} dayOnly />
                  </span>
                )}
                {consignment.receivedAt && (
                  <span>
                    received <Moment value={consignment.receivedAt} dayOnly />
                  </span>
                )}
                <OutcomeBadges outcome={consignment.outcome} unexpected={consignment.unexpected} />
                {consignment.incident && <Badge tone="bad">Open incident: {consignment.incident}</Badge>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
