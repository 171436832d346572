/** Marks a cartridge whose label is not an LTO label: its generation was chosen by hand, not read from the label. */
export function NonStandardMark() {
  return (
    <span
      className="rounded bg-amber-100 font-sans px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-amber-900"
      data-testid="non-standard-label"
    >
      non-standard label
    </span>
  );
}
