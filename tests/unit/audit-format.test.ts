import { describe, expect, test } from "vitest";
import { describeEntry, formatValue } from "../../app/(app)/backup/_components/audit-format";

const UTC = "UTC";
const LOS_ANGELES = "America/Los_Angeles";
const TOKYO = "Asia/Tokyo";

describe("describeEntry", () => {
  test("a creation or deletion is one word, whatever fields it recorded", () => {
    const changes = { barcode: { from: null, to: "000123L9" }, status: { from: null, to: "empty" } };
    expect(describeEntry("tape", { action: "create", changes }, UTC)).toEqual({ summary: "registered", changes: [] });
    expect(describeEntry("tape", { action: "delete", changes }, UTC)).toEqual({ summary: "deleted", changes: [] });
    expect(describeEntry("custody", { action: "create", changes }, UTC).summary).toBe("recorded");
  });

  test("each changed field reads as label: before → after, in words people use", () => {
    const { summary, changes } = describeEntry(
      "tape",
      {
        action: "update",
        changes: {
          status: { from: "empty", to: "in_use" },
          nativeCapacityBytes: { from: "12000000000000", to: "18000000000000" },
          tags: { from: [], to: ["offsite", "monthly"] },
          notes: { from: "first copy", to: null },
          serviceProvider: { from: null, to: "Iron Vault" },
        },
      },
      UTC,
    );
    expect(summary).toBeNull();
    expect(changes.map(({ label, from, to }) => `${label}: ${from} → ${to}`)).toEqual([
      "status: empty → in use",
      "capacity: 12 TB → 18 TB",
      "tags: — → offsite, monthly",
      "notes: first copy → —",
      "service provider: — → Iron Vault",
    ]);
  });

  test("a consignment's step is named above its state change and what came with it", () => {
    const { summary, changes } = describeEntry(
      "consignment",
      {
        action: "dispatch",
        changes: {
          state: { from: "approved", to: "in_transit" },
          sealNumbers: { from: null, to: ["S-1", "S-2"] },
          courier: { from: null, to: "Cy Courier" },
          unexpected: { from: null, to: ["000777L9"] },
        },
      },
      UTC,
    );
    expect(summary).toBe("dispatched");
    expect(changes.map(({ label, from, to }) => `${label}: ${from} → ${to}`)).toEqual([
      "state: approved → in transit",
      "seal numbers at dispatch: — → S-1, S-2",
      "courier: — → Cy Courier",
      "not on the list: — → 000777L9",
    ]);
    const rejected = describeEntry(
      "consignment",
      { action: "reject", changes: { reason: { from: null, to: "Wrong case" } } },
      UTC,
    );
    expect(rejected.summary).toBe("rejected");
    expect(rejected.changes[0]).toMatchObject({ label: "reason", to: "Wrong case" });
  });

  test("an action that recorded no fields is named", () => {
    expect(describeEntry("user", { action: "set_access", changes: {} }, UTC)).toEqual({
      summary: "set access",
      changes: [],
    });
  });

  test("a password change is named, with the other sessions it ended", () => {
    const changes = { otherSessions: { from: 2, to: 0 } };
    expect(describeEntry("user", { action: "change_password", changes }, UTC)).toEqual({
      summary: "change password",
      changes: [{ field: "otherSessions", label: "other sessions", from: "2", to: "0" }],
    });
  });

  test("a changed moment reads in the viewer's zone, a changed calendar date the same everywhere", () => {
    const entry = {
      action: "update" as const,
      changes: {
        occurredAt: { from: null, to: "2026-12-01T02:30:00.000Z" },
        expiresAt: { from: null, to: "2026-12-01T00:00:00.000Z" },
      },
    };
    const west = describeEntry("location", entry, LOS_ANGELES).changes.map((change) => change.to);
    const east = describeEntry("location", entry, TOKYO).changes.map((change) => change.to);
    expect(west).toEqual(["30 Nov 2026, 18:30", "1 Dec 2026"]);
    expect(east).toEqual(["1 Dec 2026, 11:30", "1 Dec 2026"]);
  });
});

describe("formatValue", () => {
  test("dates read as the one date module writes them; a calendar date shows no time", () => {
    expect(formatValue("2026-01-05T22:30:00.000Z", "jobDate", UTC)).toBe("5 Jan 2026, 22:30");
    expect(formatValue("2026-02-04T00:00:00.000Z", "expiresAt", LOS_ANGELES)).toBe("4 Feb 2026");
  });

  test("dates inside a list are formatted alike", () => {
    expect(formatValue(["2026-02-04T00:00:00.000Z", "2026-02-05T00:00:00.000Z"], "dates", TOKYO)).toBe(
      "4 Feb 2026, 5 Feb 2026",
    );
  });

  test("booleans, counts, media types and signature images", () => {
    expect(formatValue(false, "active", UTC)).toBe("no");
    expect(formatValue("1234567", "totalFiles", UTC)).toBe("1,234,567");
    expect(formatValue("worm", "mediaType", UTC)).toBe("WORM");
    expect(formatValue("data:image/png;base64,iVBORw0KGgo=", "signature", UTC)).toBe("image");
  });
});
