"use client";

import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";

export type JobDetail = inferRouterOutputs<AppRouter>["jobs"]["get"];
export type SpanTape = Pick<JobDetail["tapes"][number], "id" | "barcode" | "status">;

type Direction = "up" | "down";

/** `tapes` with the one at `index` moved one place up or down. */
function moved<T>(tapes: T[], index: number, direction: Direction): T[] {
  const target = direction === "up" ? index - 1 : index + 1;
  if (target < 0 || target >= tapes.length) return tapes;
  const next = [...tapes];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

/**
 * A job's cartridges in spanning order. With `onChange` each has move up / move down / remove buttons;
 * keyboard focus follows the moved cartridge, and a live region says where it went.
 */
export function SpanList({
  tapes,
  onChange,
  linkTapes,
}: {
  tapes: SpanTape[];
  onChange?: (tapes: SpanTape[]) => void;
  linkTapes?: boolean;
}) {
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const focusAfterMove = useRef<{ id: string; direction: Direction } | null>(null);
  const [announcement, setAnnouncement] = useState("");

  // Runs once the moved list is on screen, when the buttons have their new disabled states.
  useEffect(() => {
    const pending = focusAfterMove.current;
    if (!pending) return;
    focusAfterMove.current = null;
    const same = buttons.current.get(`${pending.id}:${pending.direction}`);
    // At the top or bottom the same button is disabled; the opposite one keeps focus on the cartridge.
    const target =
      same && !same.disabled
        ? same
        : buttons.current.get(`${pending.id}:${pending.direction === "up" ? "down" : "up"}`);
    target?.focus();
  }, [tapes]);

  const register = (key: string) => (element: HTMLButtonElement | null) => {
    if (element) buttons.current.set(key, element);
    else buttons.current.delete(key);
  };

  function move(index: number, direction: Direction) {
    const tape = tapes[index];
    if (!tape || !onChange) return;
    const next = moved(tapes, index, direction);
    onChange(next);
    focusAfterMove.current = { id: tape.id, direction };
    setAnnouncement(`${tape.barcode} moved to position ${next.indexOf(tape) + 1} of ${next.length}.`);
  }

  function remove(index: number) {
    const tape = tapes[index];
    if (!tape || !onChange) return;
    const next = tapes.filter((_, position) => position !== index);
    onChange(next);
    const neighbour = next[Math.min(index, next.length - 1)];
    if (neighbour) buttons.current.get(`${neighbour.id}:remove`)?.focus();
    setAnnouncement(`${tape.barcode} removed from the span.`);
  }

  return (
    <div>
      {tapes.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 px-3 py-4 text-center text-sm text-slate-500">
          No cartridges in this job&apos;s span yet.
        </p>
      ) : (
        <ol
          className="divide-y divide-slate-200 rounded-md border border-slate-200"
          aria-label="Cartridges in spanning order"
          data-testid="span-list"
        >
          {tapes.map((tape, index) => (
            <li
              key={tape.id}
              className="flex flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2 text-sm"
              data-testid="span-item"
            >
              <span className="w-6 text-right tabular-nums text-slate-500" aria-hidden>
                {index + 1}.
              </span>
              {linkTapes ? (
                <Link
                  href={`/backup/tapes/${tape.id}`}
                  className="font-mono font-medium text-brand-700 hover:underline"
                >
                  {tape.barcode}
                </Link>
              ) : (
                <span className="font-mono font-medium">{tape.barcode}</span>
              )}
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs">{TAPE_STATUS_LABEL[tape.status]}</span>
              {onChange && (
                <span className="ml-auto flex gap-1">
                  <button
                    type="button"
                    ref={register(`${tape.id}:up`)}
                    className="btn-secondary px-3 py-2 sm:px-2 sm:py-1"
                    disabled={index === 0}
                    aria-label={`Move ${tape.barcode} up`}
                    onClick={() => move(index, "up")}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    ref={register(`${tape.id}:down`)}
                    className="btn-secondary px-3 py-2 sm:px-2 sm:py-1"
                    disabled={index === tapes.length - 1}
                    aria-label={`Move ${tape.barcode} down`}
                    onClick={() => move(index, "down")}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    ref={register(`${tape.id}:remove`)}
                    className="btn-secondary px-3 py-2 text-red-700 sm:px-2 sm:py-1"
                    aria-label={`Remove ${tape.barcode}`}
                    onClick={() => remove(index)}
                  >
                    Remove
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </div>
  );
}
