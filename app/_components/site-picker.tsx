"use client";

import { useEffect, useId, useState, type KeyboardEvent } from "react";
import { siteByCode } from "@/lib/site-codes";
import type { SiteOption } from "@/lib/sites";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";

const MAX_SHOWN = 20;

/**
 * A type-ahead choice of a site (an ARIA combobox): typing narrows the list by name or label code, arrows
 * move through it, Enter chooses. A site label's code followed by Enter, as a USB scanner types it, chooses
 * that site at once. Enter on text that names no site stays in the field with a message instead of
 * submitting the form without a site. Enter while the sites are still loading is kept and answered once
 * they arrive, so a label scanned the moment the page opens is not refused.
 */
export function SitePicker({
  id,
  sites,
  value,
  onChange,
  describedBy,
  invalid,
}: {
  id: string;
  /** The sites to offer; undefined while they load. */
  sites: readonly SiteOption[] | undefined;
  value: string | null | undefined;
  onChange: (site: SiteOption | null) => void;
  describedBy?: string;
  invalid?: boolean;
}) {
  const listId = useId();
  const all = sites ?? [];
  const selected = all.find((site) => site.id === value) ?? null;
  // What is typed, while typing; otherwise the field shows the chosen site's name.
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [unknown, setUnknown] = useState<string | null>(null);
  // Text entered with Enter before the sites arrived.
  const [pending, setPending] = useState<string | null>(null);

  const matches = matching(all, query ?? "");
  const optionId = (index: number) => `${listId}-option-${index}`;
  const expanded = open && matches.length > 0;

  function choose(site: SiteOption | null) {
    onChange(site);
    setQuery(null);
    setOpen(false);
    setUnknown(null);
  }

  function chooseTyped(typed: string, highlighted: SiteOption | undefined) {
    const site = siteByCode(all, typed) ?? highlighted;
    if (site) choose(site);
    else setUnknown(`No active site is called or labelled “${typed.trim()}”`);
  }

  // The answer to an Enter pressed before the sites arrived is given when they arrive, once.
  useEffect(() => {
    if (pending === null || sites === undefined) return;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the sites' arrival is the event answered
    setPending(null);
    chooseTyped(pending, matching(sites, pending)[0]);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- chooseTyped reads only what this render has
  }, [pending, sites]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setOpen(true);
      setActive((index) => Math.min(Math.max(index + step, 0), Math.max(matches.length - 1, 0)));
    } else if (event.key === "Enter") {
      // The field's own text, not state: a scanner types the code and Enter faster than a person.
      const typed = event.currentTarget.value;
      if (query === null || typed.trim() === "") return;
      event.preventDefault();
      if (sites === undefined) setPending(typed);
      else chooseTyped(typed, expanded ? matches[active] : undefined);
    } else if (event.key === "Escape" && (open || query !== null)) {
      event.preventDefault();
      setQuery(null);
      setOpen(false);
    }
  }

  const messageId = `${id}-unknown`;
  return (
    <div className="relative">
      <div className="flex gap-1">
        <input
          id={id}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded ? optionId(active) : undefined}
          aria-describedby={[unknown ? messageId : null, describedBy].filter(Boolean).join(" ") || undefined}
          aria-invalid={invalid || !!unknown}
          autoComplete="off"
          className="input"
          placeholder={sites === undefined ? "Loading sites…" : "Type a name or scan a site label"}
          value={query ?? selected?.name ?? ""}
          onChange={(event) => {
            setQuery(event.target.value);
            setOpen(true);
            setActive(0);
            setUnknown(null);
            setPending(null);
            if (event.target.value === "") onChange(null);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setQuery(null);
          }}
          onKeyDown={onKeyDown}
        />
        {selected && (
          <button
            type="button"
            className="btn-secondary px-2"
            aria-label={`Clear the site ${selected.name}`}
            onClick={() => choose(null)}
          >
            ×
          </button>
        )}
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label="Sites"
        hidden={!expanded}
        className="absolute z-30 mt-1 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white text-sm shadow-lg"
      >
        {matches.map((site, index) => (
          <li
            key={site.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            className="cursor-pointer px-3 py-2 aria-selected:bg-brand-50"
            // Chosen on mouse down, before the field's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(site);
            }}
          >
            <span className="font-medium">{site.name}</span>{" "}
            <span className="text-xs text-slate-500">
              {SITE_KIND_LABEL[site.kind]} · {site.code}
            </span>
          </li>
        ))}
      </ul>
      {unknown && (
        <p id={messageId} role="alert" className="mt-1 text-xs text-red-700">
          {unknown}
        </p>
      )}
      {pending !== null && (
        <p role="status" className="mt-1 text-xs text-slate-500">
          Looking for “{pending.trim()}” once the sites have loaded…
        </p>
      )}
      {sites !== undefined && all.length === 0 && (
        <p className="mt-1 text-xs text-slate-500">No sites yet: add them in Manage → Sites.</p>
      )}
    </div>
  );
}

/** The sites whose name or label code contains the text, as many as the list shows. */
function matching(sites: readonly SiteOption[], text: string): SiteOption[] {
  const needle = text.trim().toLowerCase();
  return (
    needle
      ? sites.filter((site) => site.name.toLowerCase().includes(needle) || site.code.toLowerCase().includes(needle))
      : sites
  ).slice(0, MAX_SHOWN);
}
