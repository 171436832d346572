"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type KeyboardEvent } from "react";
import { useDebouncedValue } from "@/app/_client/use-debounced-value";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { normaliseLabel } from "@/lib/lto";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { SpanTape } from "./span-list";

const RESULTS = 8;

/**
 * Adds cartridges to a span: type part of a barcode and choose from the matches (mouse or arrow keys and
 * Enter), or scan the label with a USB scanner, which types the whole barcode then Enter.
 */
export function TapePicker({
  id,
  picked,
  onPick,
  invalid,
  listName = "this job's span",
}: {
  id: string;
  /** Ids already in the span: offered greyed out, refused when scanned. */
  picked: string[];
  /** What the cartridges are picked into, as messages name it. */
  listName?: string;
  onPick: (tape: SpanTape) => void;
  invalid?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listId = useId();
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const query = normaliseLabel(useDebouncedValue(text, 150));
  const results = useQuery({ ...trpc.tapes.search.queryOptions({ query, limit: RESULTS }), enabled: query !== "" });
  const options = query !== "" && query === normaliseLabel(text) ? (results.data ?? []) : [];
  const expanded = open && options.length > 0;

  function refusal(tape: SpanTape): string | null {
    if (picked.includes(tape.id)) return `${tape.barcode} is already in ${listName}.`;
    if (tape.status === "destroyed") return `${tape.barcode} is destroyed and cannot be added.`;
    return null;
  }

  function pick(tape: SpanTape): boolean {
    const refused = refusal(tape);
    setActive(-1);
    setMessage(refused ? { kind: "error", text: refused } : { kind: "ok", text: `Added ${tape.barcode}.` });
    if (!refused) onPick({ id: tape.id, barcode: tape.barcode, status: tape.status });
    return !refused;
  }

  /**
   * Enter empties the input at once, so a scanner's next label starts afresh even while this one is being
   * looked up; the text comes back if it matched nothing and nothing new was typed, to be corrected.
   */
  async function enter(typed: string, chosen: SpanTape | undefined) {
    const barcode = normaliseLabel(typed);
    if (!barcode) return;
    setText("");
    const restore = () => setText((current) => current || typed);
    if (chosen) {
      if (!pick(chosen)) restore();
      return;
    }
    try {
      // A scanner presses Enter before any suggestion has arrived, so the exact barcode is looked up directly.
      const tape =
        options.find((option) => option.barcode === barcode) ??
        (await queryClient.fetchQuery(trpc.tapes.byBarcode.queryOptions({ barcode }, { staleTime: 0 })));
      if (tape && pick(tape)) return;
      if (!tape) setMessage({ kind: "error", text: `No cartridge with barcode ${barcode} is registered.` });
    } catch (error) {
      setMessage({ kind: "error", text: errorMessage(error) });
    }
    restore();
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (options.length === 0) return;
      event.preventDefault();
      setOpen(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((current) => (current + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      // Enter must never submit the surrounding form from here.
      event.preventDefault();
      void enter(text, expanded ? options[active] : undefined);
    } else if (event.key === "Escape" && expanded) {
      event.preventDefault();
      setOpen(false);
    }
  }

  return (
    <div className="relative">
      <input
        id={id}
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={invalid}
        aria-describedby={`${id}-message`}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
          setMessage(null);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        placeholder="Type or scan a barcode"
        className="input font-mono uppercase placeholder:font-sans placeholder:normal-case"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
      />
      {expanded && (
        <ul
          id={listId}
          role="listbox"
          className="absolute z-10 mt-1 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {options.map((tape, index) => {
            const refused = refusal(tape);
            return (
              <li
                key={tape.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === active}
                aria-disabled={refused !== null}
                // Keeps focus in the input, so scanning and typing carry on after a click.
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => pick(tape) && setText("")}
                className={`flex cursor-pointer items-center justify-between gap-2 px-3 py-2 text-sm aria-selected:bg-brand-50 ${refused ? "text-slate-400" : "hover:bg-slate-50"}`}
              >
                <span className="font-mono font-medium">{tape.barcode}</span>
                <span className="text-xs">
                  {tape.generation ? `LTO-${tape.generation}` : "Cleaning"} · {TAPE_STATUS_LABEL[tape.status]}
                  {picked.includes(tape.id) && " · picked"}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      <p
        id={`${id}-message`}
        aria-live="polite"
        className={`mt-1 min-h-4 text-xs ${message?.kind === "error" ? "text-red-700" : "text-slate-500"}`}
      >
        {message?.text}
      </p>
    </div>
  );
}
