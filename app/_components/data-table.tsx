"use client";

import { useId, useState, type ReactNode } from "react";
import { errorMessage } from "@/app/_trpc/client";

export type SortDirection = "asc" | "desc";
export type Sorting<S extends string> = { column: S; direction: SortDirection };

export type Column<T, S extends string = never> = {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** The server sort this column's header switches to. */
  sort?: S;
  /** The direction a first press sorts in; a second press turns it round. */
  firstDirection?: SortDirection;
  /** The phone's sort menu names each direction, e.g. "Newest first"; by default "<header>, ascending". */
  sortLabels?: Record<SortDirection, string>;
  className?: string;
};

/** A page of a keyset-paged list, as every list procedure returns it. */
type Page<T> = { items: T[]; nextCursor: string | null };

/** The parts of a TanStack query result the table shows. */
type ListQuery<T> = {
  data?: Page<T>;
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  isFetching: boolean;
  error: unknown;
  refetch: () => unknown;
};

/**
 * Keyset paging: the cursors of the pages up to the current one, so "Previous" goes back. A list with other
 * filters or another order (another `listKey`) starts again from its first page: a cursor belongs to its list.
 */
export function useKeysetPages(listKey: string) {
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: listKey,
    cursors: [undefined],
  });
  const cursors = pages.key === listKey ? pages.cursors : [undefined];
  return {
    cursor: cursors.at(-1),
    page: cursors.length,
    previous: () => setPages({ key: listKey, cursors: cursors.slice(0, -1) }),
    next: (cursor: string) => setPages({ key: listKey, cursors: [...cursors, cursor] }),
  };
}
export type KeysetPages = ReturnType<typeof useKeysetPages>;

const DIRECTION_WORD = { asc: "ascending", desc: "descending" } as const;

/** Rows the user picks with checkboxes (keyboard: Tab and Space) to act on several at once. */
export type RowSelection<T> = {
  isSelected: (row: T) => boolean;
  /** `rows` were ticked (`selected`) or unticked: one row, or every row of the page at once. */
  onChange: (rows: T[], selected: boolean) => void;
  /** What names the row to a screen reader: "Select 000123L9". */
  label: (row: T) => string;
};

/**
 * A server-paged list: a table with sortable headers on wide screens, cards on phones, a filter bar, and
 * loading, empty and error states. The caller owns the query, so filters and sort are its input.
 */
export function DataTable<T extends { id: string }, S extends string = never>({
  title,
  noun,
  testId,
  pagesLabel,
  listLabel,
  columns,
  query,
  paging,
  sorting,
  onSort,
  actions,
  filters,
  empty,
  card,
  rowAction,
  actionsLabel = "Actions",
  selection,
}: {
  title: string;
  /** What the rows are, in the plural: "Loading cartridges…". */
  noun: string;
  testId: string;
  /** The name of the page navigation, e.g. "Cartridge pages". */
  pagesLabel: string;
  /** The name of the phone list. */
  listLabel?: string;
  columns: Column<T, S>[];
  query: ListQuery<T>;
  paging: KeysetPages;
  sorting?: Sorting<S>;
  onSort?: (sorting: Sorting<S>) => void;
  /** Beside the title: an export link, a search box. */
  actions?: ReactNode;
  /** Under the title, in a grid: selects and inputs that narrow the list. */
  filters?: ReactNode;
  /** What to say when nothing is there (or nothing matches the filters). */
  empty: ReactNode;
  /** A row as a phone shows it. */
  card: (row: T) => ReactNode;
  /** A control at the end of each row and card, e.g. delete. */
  rowAction?: (row: T) => ReactNode;
  actionsLabel?: string;
  selection?: RowSelection<T>;
}) {
  const headingId = useId();
  const items = query.data?.items ?? [];
  const nextCursor = query.data?.nextCursor;
  const sortable = columns.filter((column): column is Column<T, S> & { sort: S } => column.sort !== undefined);

  function sortBy(column: Column<T, S> & { sort: S }) {
    if (!sorting || !onSort) return;
    if (sorting.column === column.sort)
      onSort({ column: column.sort, direction: sorting.direction === "asc" ? "desc" : "asc" });
    else onSort({ column: column.sort, direction: column.firstDirection ?? "asc" });
  }
  const isSorted = (column: Column<T, S>) => sorting !== undefined && column.sort === sorting.column;

  return (
    <section aria-labelledby={headingId} className="mt-8">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={headingId} className="text-lg font-semibold">
          {title}
        </h2>
        {actions}
      </div>

      {filters && <div className="mt-3 grid gap-2 sm:grid-cols-3 lg:grid-cols-6">{filters}</div>}

      {sorting && onSort && sortable.length > 0 && (
        <label className="mt-2 flex items-center gap-2 text-sm text-slate-600 md:hidden">
          Sort by
          <select
            className="input w-auto py-1"
            value={`${sorting.column}:${sorting.direction}`}
            onChange={(event) => {
              const [column, direction] = event.target.value.split(":") as [S, SortDirection];
              onSort({ column, direction });
            }}
          >
            {sortable.flatMap((column) =>
              (["asc", "desc"] as const).map((direction) => (
                <option key={`${column.sort}:${direction}`} value={`${column.sort}:${direction}`}>
                  {column.sortLabels?.[direction] ?? `${column.header}, ${DIRECTION_WORD[direction]}`}
                </option>
              )),
            )}
          </select>
        </label>
      )}

      {query.isError && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          Could not load {noun}: {errorMessage(query.error)}{" "}
          <button type="button" className="underline" onClick={() => void query.refetch()}>
            Try again
          </button>
        </p>
      )}
      {query.isPending && (
        <p role="status" className="mt-4 text-sm text-slate-500">
          Loading {noun}…
        </p>
      )}
      {query.isSuccess && items.length === 0 && (
        <div className="card mt-3 p-8 text-center text-sm text-slate-600">{empty}</div>
      )}

      {items.length > 0 && (
        <div
          className={`card mt-3 overflow-hidden ${query.isFetching ? "opacity-70" : ""}`}
          aria-busy={query.isFetching}
        >
          <table className="hidden w-full text-left text-sm md:table" data-testid={testId}>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {selection && (
                  <th className="w-8 px-4 py-2">
                    <input
                      type="checkbox"
                      aria-label="Select every row of this page"
                      checked={items.every(selection.isSelected)}
                      onChange={(event) => selection.onChange(items, event.target.checked)}
                    />
                  </th>
                )}
                {columns.map((column) => (
                  <th
                    key={column.key}
                    className={`px-4 py-2 ${column.className ?? ""}`}
                    aria-sort={isSorted(column) ? DIRECTION_WORD[sorting!.direction] : undefined}
                  >
                    {column.sort !== undefined && sorting && onSort ? (
                      <button
                        type="button"
                        className="uppercase tracking-wide hover:text-slate-800"
                        onClick={() => sortBy(column as Column<T, S> & { sort: S })}
                      >
                        {column.header}
                        {isSorted(column) && (sorting.direction === "asc" ? " ▲" : " ▼")}
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                ))}
                {rowAction && (
                  <th className="px-4 py-2">
                    <span className="sr-only">{actionsLabel}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((row) => (
                <tr key={row.id} className="hover:bg-slate-50">
                  {selection && (
                    <td className="px-4 py-2">
                      <SelectBox row={row} selection={selection} />
                    </td>
                  )}
                  {columns.map((column) => (
                    <td key={column.key} className={`px-4 py-2 ${column.className ?? ""}`}>
                      {column.cell(row)}
                    </td>
                  ))}
                  {rowAction && <td className="px-4 py-2 text-right">{rowAction(row)}</td>}
                </tr>
              ))}
            </tbody>
          </table>

          <ul className="divide-y divide-slate-100 md:hidden" aria-label={listLabel ?? title}>
            {items.map((row) => (
              <li key={row.id} className="flex items-start justify-between gap-3 p-4">
                {selection && <SelectBox row={row} selection={selection} className="mt-1 size-5" />}
                <div className="min-w-0 flex-1">{card(row)}</div>
                {rowAction?.(row)}
              </li>
            ))}
          </ul>
        </div>
      )}

      {(paging.page > 1 || nextCursor) && (
        <nav aria-label={pagesLabel} className="mt-3 flex items-center justify-between text-sm">
          <button type="button" className="btn-secondary" disabled={paging.page <= 1} onClick={paging.previous}>
            Previous
          </button>
          <span className="text-slate-500">Page {paging.page}</span>
          <button
            type="button"
            className="btn-secondary"
            disabled={!nextCursor}
            onClick={() => nextCursor && paging.next(nextCursor)}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}

function SelectBox<T>({ row, selection, className }: { row: T; selection: RowSelection<T>; className?: string }) {
  return (
    <input
      type="checkbox"
      className={className}
      aria-label={selection.label(row)}
      checked={selection.isSelected(row)}
      onChange={(event) => selection.onChange([row], event.target.checked)}
    />
  );
}

/** A select in a filter bar: "any" first, then each value. */
export function FilterSelect<V extends string | number>({
  label,
  anyLabel,
  value,
  options,
  onChange,
}: {
  label: string;
  anyLabel: string;
  value: V | undefined;
  options: readonly { value: V; label: string }[];
  onChange: (value: V | undefined) => void;
}) {
  return (
    <select
      aria-label={label}
      className="input"
      value={value ?? ""}
      onChange={(event) => onChange(options.find((option) => String(option.value) === event.target.value)?.value)}
    >
      <option value="">{anyLabel}</option>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** A text box in a filter bar, named for screen readers by `label`. */
export function FilterText({
  type = "text",
  label,
  placeholder = label,
  value,
  onChange,
  className,
}: {
  type?: "text" | "search";
  label: string;
  placeholder?: string;
  value: string | undefined;
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <input
      type={type}
      aria-label={label}
      placeholder={placeholder}
      className={className ? `input ${className}` : "input"}
      value={value ?? ""}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** The delete control of a row. */
export function RowDeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="rounded p-1.5 text-slate-500 hover:bg-red-50 hover:text-red-700"
      aria-label={label}
      onClick={onClick}
    >
      <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
        <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
      </svg>
    </button>
  );
}
