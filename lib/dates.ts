/**
 * The two kinds of time the product shows, and the one place each is formatted.
 *
 * - A **calendar date** (job date, expiry) is a day, stored at UTC midnight. It is the same day for everyone,
 *   so it is always read and shown in UTC: a 1 Dec expiry is 1 Dec in Los Angeles and in Tokyo.
 * - A **moment** (when a cartridge moved, when an entry was written) happened at one instant and is shown in
 *   the viewer's time zone. The zone is passed in, so the server and the browser format a moment alike.
 */

export const UTC = "UTC";
const LOCALE = "en-GB";

const calendarFormat = new Intl.DateTimeFormat(LOCALE, {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: UTC,
});
const momentFormats = new Map<string, Intl.DateTimeFormat>();

function momentFormat(timeZone: string, dayOnly: boolean): Intl.DateTimeFormat {
  const key = `${timeZone} ${dayOnly}`;
  let format = momentFormats.get(key);
  if (!format) {
    const time = dayOnly ? {} : ({ hour: "2-digit", minute: "2-digit" } as const);
    format = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", year: "numeric", ...time, timeZone });
    momentFormats.set(key, format);
  }
  return format;
}

type DateLike = Date | string | number;

function toDate(value: DateLike): Date {
  return value instanceof Date ? value : new Date(value);
}

/** An IANA zone name this runtime knows (e.g. `Europe/Berlin`), or null. */
export function validTimeZone(zone: string | null | undefined): string | null {
  if (!zone || zone.length > 64) return null;
  try {
    return new Intl.DateTimeFormat(LOCALE, { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A calendar date such as "1 Dec 2026"; "—" when there is none. */
export function formatCalendarDate(value: DateLike | null | undefined): string {
  return value === null || value === undefined ? "—" : calendarFormat.format(toDate(value));
}

/** A moment such as "1 Dec 2026, 14:05" in `timeZone` (only the day with `dayOnly`); "—" when there is none. */
export function formatMoment(value: DateLike | null | undefined, timeZone: string, dayOnly = false): string {
  if (value === null || value === undefined) return "—";
  return momentFormat(timeZone, dayOnly).format(toDate(value));
}

/** The value of an `<input type="date">` for a calendar date. */
export function toDateInput(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** An `<input type="date">` value as the UTC midnight it stands for, or null when it is not a date. */
export function fromDateInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || toDateInput(date) !== value ? null : date;
}

/** The value of an `<input type="datetime-local">` for a moment, in the browser's own zone (what the input shows). */
export function toDateTimeLocal(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
