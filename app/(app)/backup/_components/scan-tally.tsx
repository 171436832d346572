import type { ReactNode } from "react";

/**
 * The counts a scanning screen keeps in view (expected, scanned, missing…), each tile found by
 * `count-<label in lower case, spaces as hyphens>` so a check reads the same count whatever the screen.
 */
export function TallyCounts({ counts, testId }: { counts: readonly (readonly [string, number])[]; testId: string }) {
  return (
    <dl className="grid grid-cols-[repeat(auto-fit,minmax(5rem,1fr))] gap-2 text-center" data-testid={testId}>
      {counts.map(([label, count]) => (
        <div key={label} className="card px-2 py-3">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd
            className="text-xl font-semibold tabular-nums"
            data-testid={`count-${label.toLowerCase().replace(/\s+/g, "-")}`}
          >
            {count}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A list of scanned or expected cartridges under its heading. */
export function TallySection({ id, title, children }: { id: string; title: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * Barcodes one per line (`<name>-list` of `<name>-item`s), ticked when they were found; `empty` says why
 * there are none.
 */
export function BarcodeList({
  name,
  barcodes,
  ticked,
  empty,
  detail,
}: {
  name: string;
  barcodes: readonly string[];
  ticked?: boolean;
  /** Shown in place of an empty list; without it an empty list shows nothing. */
  empty?: string;
  /** Something more to say of a line (where the catalogue has the cartridge, an action). */
  detail?: (barcode: string) => ReactNode;
}) {
  if (barcodes.length === 0) return empty ? <p className="card mt-2 p-4 text-sm text-slate-500">{empty}</p> : null;
  return (
    <ul className="card mt-2 divide-y divide-slate-100" data-testid={`${name}-list`}>
      {barcodes.map((barcode) => (
        <li key={barcode} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm" data-testid={`${name}-item`}>
          {ticked && (
            <span
              aria-hidden
              className="flex size-6 items-center justify-center rounded-full bg-emerald-100 text-emerald-700"
            >
              ✓
            </span>
          )}
          <span className={detail ? "flex-1 font-mono font-medium" : "font-mono"}>{barcode}</span>
          {detail?.(barcode)}
        </li>
      ))}
    </ul>
  );
}
