import { describe, expect, it } from "vitest";
import { formatCalendarDate, formatMoment, fromDateInput, toDateInput, validTimeZone } from "../../lib/dates";

describe("calendar dates", () => {
  const expiry = new Date("2026-12-01T00:00:00Z");

  it("are the same day whatever the process's zone", () => {
    expect(formatCalendarDate(expiry)).toBe("1 Dec 2026");
    expect(formatCalendarDate(expiry.toISOString())).toBe("1 Dec 2026");
    expect(formatCalendarDate(null)).toBe("—");
  });

  it("round-trip through a date input and refuse days that do not exist", () => {
    expect(fromDateInput(toDateInput(expiry))).toEqual(expiry);
    expect(fromDateInput("2026-02-30")).toBeNull();
    expect(fromDateInput("2026-13-01")).toBeNull();
    expect(fromDateInput("")).toBeNull();
  });
});

describe("moments", () => {
  const moment = new Date("2026-12-01T03:30:00Z");

  it("are shown in the viewer's zone, west and east of UTC", () => {
    expect(formatMoment(moment, "America/Los_Angeles")).toBe("30 Nov 2026, 19:30");
    expect(formatMoment(moment, "Asia/Tokyo")).toBe("1 Dec 2026, 12:30");
    expect(formatMoment(moment, "America/Los_Angeles", true)).toBe("30 Nov 2026");
    expect(formatMoment(undefined, "UTC")).toBe("—");
  });

  it("accept only zones the runtime knows", () => {
    expect(validTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(validTimeZone("Mars/Olympus")).toBeNull();
    expect(validTimeZone("")).toBeNull();
  });
});
