import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { formatCalendarDate } from "@/lib/dates";
import { NEXT_MOVE_LABEL, ROTATION_LIST_LABEL, ROTATION_LIST_PATH, type RotationList } from "@/lib/rotation";
import type { AppRouter } from "@/server/root";
import { NextMove } from "./rotation-table";

type Overview = inferRouterOutputs<AppRouter>["rotation"]["overview"];
type ListPage = Overview["send"];

const TEST_ID: Record<RotationList, string> = { send: "rotation-send", bring_back: "rotation-bring-back" };
const cartridges = (count: number) => `${count.toLocaleString("en")} ${count === 1 ? "cartridge" : "cartridges"}`;

function ListCard({ list, page }: { list: RotationList; page: ListPage }) {
  return (
    <section aria-labelledby={`${TEST_ID[list]}-title`} className="card p-4" data-testid={TEST_ID[list]}>
      <div className="flex items-baseline justify-between gap-2">
        <h2 id={`${TEST_ID[list]}-title`} className="font-semibold">
          {ROTATION_LIST_LABEL[list]}
        </h2>
        <span className="text-2xl font-semibold tabular-nums" data-testid={`${TEST_ID[list]}-count`}>
          {page.total.toLocaleString("en")}
        </span>
      </div>
      {page.items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">Nothing to move.</p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100 text-sm">
          {page.items.map((row) => (
            <li key={row.id} className="flex flex-wrap items-center justify-between gap-2 py-1.5">
              <Link href={`/backup/tapes/${row.id}`} className="font-mono font-medium text-brand-700 hover:underline">
                {row.barcode}
              </Link>
              <span className="text-slate-600">
                {NEXT_MOVE_LABEL[list]} <NextMove row={row} />
                {row.recallNeededBy && " · recalled"}
              </span>
            </li>
          ))}
        </ul>
      )}
      {page.total > 0 && (
        <Link href={ROTATION_LIST_PATH[list]} className="mt-2 inline-block text-sm text-brand-700 hover:underline">
          All {cartridges(page.total)} {ROTATION_LIST_LABEL[list].toLowerCase()} →
        </Link>
      )}
    </section>
  );
}

/** What must go off site and what must come back, with what is overdue first, as the overview shows it. */
export function RotationOverview({ overview }: { overview: Overview }) {
  const lists: [RotationList, ListPage][] = [
    ["send", overview.send],
    ["bring_back", overview.bringBack],
  ];
  const overdue = lists.filter(([, page]) => page.overdue > 0);
  return (
    <div className="mt-6 space-y-3">
      {overdue.length > 0 && (
        <section
          aria-labelledby="overdue-title"
          className="card border-red-200 bg-red-50/40 p-4"
          data-testid="rotation-overdue"
        >
          <h2 id="overdue-title" className="font-semibold text-red-800">
            Overdue
          </h2>
          <ul className="mt-1 space-y-1 text-sm">
            {overdue.map(([list, page]) => {
              const oldest = page.items.find((row) => row.overdue);
              return (
                <li key={list}>
                  <Link
                    href={`${ROTATION_LIST_PATH[list]}?overdue=1`}
                    className="font-medium text-red-800 hover:underline"
                  >
                    {cartridges(page.overdue)} overdue {list === "send" ? "to send off site" : "to bring back"}
                  </Link>
                  {oldest && (
                    <span className="text-slate-600"> · the oldest was due {formatCalendarDate(oldest.nextMove)}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        {lists.map(([list, page]) => (
          <ListCard key={list} list={list} page={page} />
        ))}
      </div>
      <p className="text-xs text-slate-500">
        Sent off site {overview.settings.sendDelayDays} days after a job at the latest; brought back{" "}
        {overview.settings.leadTimeDays} days before their data expires.
      </p>
    </div>
  );
}
