import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { ATTENTION_ITEMS, ATTENTION_PATH, ATTENTION_TEXT } from "@/lib/reminders";
import type { AppRouter } from "@/server/root";

type Attention = inferRouterOutputs<AppRouter>["reminders"]["attention"];

/**
 * What needs someone to act, one line per kind with its count, each a link to where they are listed; "All
 * clear" when nothing does. The lists below it on the overview show the first of each.
 */
export function NeedsAttention({ attention }: { attention: Attention }) {
  const due = ATTENTION_ITEMS.filter((item) => attention.items[item].count > 0);
  return (
    <section aria-labelledby="attention-title" className="card mt-6 p-4" data-testid="needs-attention">
      <h2 id="attention-title" className="font-semibold">
        Needs attention
      </h2>
      {due.length === 0 ? (
        <p className="mt-2 flex items-center gap-2 text-sm text-emerald-800" data-testid="attention-all-clear">
          <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M5 12l5 5L19 7" />
          </svg>
          All clear: nothing to send or bring back, no consignment overdue, no missing cartridge, no inventory due.
        </p>
      ) : (
        <ul className="mt-2 grid gap-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
          {due.map((item) => {
            const entry = attention.items[item];
            const overdue = "overdue" in entry ? entry.overdue : 0;
            return (
              <li key={item}>
                <Link
                  href={ATTENTION_PATH[item]}
                  className="flex h-full items-baseline gap-2 rounded border border-amber-200 bg-amber-50 px-3 py-2 text-amber-950 hover:bg-amber-100"
                  data-testid={`attention-${item}`}
                >
                  <span>{ATTENTION_TEXT[item](entry.count)}</span>
                  {overdue > 0 && (
                    <span className="ml-auto shrink-0 font-semibold text-red-800">
                      {overdue.toLocaleString("en")} overdue
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
