"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { DataTable, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useTRPC } from "@/app/_trpc/client";
import { LOCATION_KIND_LABEL, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";

type Tape = inferRouterOutputs<AppRouter>["tapes"]["list"]["items"][number];
const PAGE_SIZE = 25;

const place = ({ currentLocation: location }: Tape) =>
  [
    location?.shelf && `shelf ${location.shelf}`,
    location?.locker && `locker ${location.locker}`,
    location?.slot && `slot ${location.slot}`,
  ]
    .filter(Boolean)
    .join(" · ") || "—";

const tapeLink = (tape: Tape) => (
  <Link href={`/backup/tapes/${tape.id}`} className="font-mono font-medium text-brand-700 hover:underline">
    {tape.barcode}
  </Link>
);

const COLUMNS: Column<Tape>[] = [
  { key: "barcode", header: "Barcode", cell: tapeLink },
  { key: "status", header: "Status", cell: (tape) => TAPE_STATUS_LABEL[tape.status] },
  { key: "place", header: "Shelf, locker, slot", cell: place },
  {
    key: "since",
    header: "Since",
    cell: (tape) => (tape.currentLocation ? <Moment value={tape.currentLocation.occurredAt} /> : "—"),
  },
];

/** The cartridges whose current location is at the site: the same list and filter as the cartridge table. */
export function SiteCartridges({ siteId }: { siteId: string }) {
  const trpc = useTRPC();
  const paging = useKeysetPages(siteId);
  const query = useQuery({
    ...trpc.tapes.list.queryOptions({ siteId, cursor: paging.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  return (
    <DataTable
      title="Cartridges here now"
      noun="cartridges"
      testId="site-tapes-table"
      pagesLabel="Pages of cartridges here"
      columns={COLUMNS}
      query={query}
      paging={paging}
      empty="No cartridge is at this site now."
      card={(tape) => (
        <div>
          <p>{tapeLink(tape)}</p>
          <p className="text-sm text-slate-600">
            {TAPE_STATUS_LABEL[tape.status]} ·{" "}
            {tape.currentLocation ? LOCATION_KIND_LABEL[tape.currentLocation.kind] : ""}
          </p>
          <p className="text-xs text-slate-500">{place(tape)}</p>
        </div>
      )}
    />
  );
}
