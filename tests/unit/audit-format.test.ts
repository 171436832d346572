import { describe, expect, test } from "vitest";
import { describeEntry, formatValue, relativeTime } from "../../app/(app)/backup/_components/audit-format";

describe("describeEntry", () => {
  test("a creation or deletion is one word, whatever fields it recorded", () => {
    const changes = { barcode: { from: null, to: "000123L9" }, status: { from: null, to: "empty" } };
    expect(describeEntry("tape", { action: "create", changes })).toEqual({ summary: "registered", changes: [] });
    expect(describeEntry("tape", { action: "delete", changes })).toEqual({ summary: "deleted", changes: [] });
    expect(describeEntry("custody", { action: "create", changes }).summary).toBe("recorded");
  });

  test("each changed field reads as label: before → after, in words people use", () => {
    const { summary, changes } = describeEntry("tape", {
      action: "update",
      changes: {
        status: { from: "empty", to: "in_use" },
        nativeCapacityBytes: { from: "12000000000000", to: "18000000000000" },
        tags: { from: [], to: ["offsite", "monthly"] },
        notes: { from: "first copy", to: null },
        serviceProvider: { from: null, to: "Iron Vault" },
      },
    });
    expect(summary).toBeNull();
    expect(changes.map(({ label, from, to }) => `${label}: ${from} → ${to}`)).toEqual([
      "status: empty → in use",
      "capacity: 12 TB → 18 TB",
      "tags: — → offsite, monthly",
      "notes: first copy → —",
      "service provider: — → Iron Vault",
    ]);
  });

  test("an action that recorded no fields is named", () => {
    expect(describeEntry("user", { action: "set_access", changes: {} })).toEqual({
      summary: "set access",
      changes: [],
    });
  });
});

describe("formatValue", () => {
  test("dates read as dates; a calendar date shows no time", () => {
    const moment = formatValue("2026-01-05T22:30:00.000Z", "jobDate");
    expect(moment).toMatch(/2026/);
    expect(moment).not.toContain("T22");
    const day = formatValue("2026-02-04T00:00:00.000Z", "expiresAt");
    expect(day).toMatch(/2026/);
    expect(day).toMatch(/\b4\b/);
    expect(day).not.toMatch(/\d:\d\d/);
  });

  test("booleans, counts, media types and signature images", () => {
    expect(formatValue(false, "active")).toBe("no");
    expect(formatValue("1234567", "totalFiles")).toBe("1,234,567");
    expect(formatValue("worm", "mediaType")).toBe("WORM");
    expect(formatValue("data:image/png;base64,iVBORw0KGgo=", "signature")).toBe("image");
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  const ago = (seconds: number) => relativeTime(new Date(now - seconds * 1000), now);

  test("reads as how long ago, in the largest whole unit", () => {
    expect(ago(10)).toBe("just now");
    expect(ago(120)).toBe("2 min. ago");
    expect(ago(3 * 3600)).toBe("3 hr. ago");
    expect(ago(86_400)).toBe("yesterday");
    expect(ago(400 * 86_400)).toBe("last yr.");
  });
});
