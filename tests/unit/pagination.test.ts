import { describe, expect, test } from "vitest";
import { DomainError } from "../../server/errors";
import { cursorCodec, listOrders } from "../../server/pagination";

const asCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function refusal(read: () => unknown): DomainError {
  try {
    read();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("The cursor was accepted");
}

const rowOrder = listOrders("rows", { name: "text", id: "serial" });
const byName = (direction: "asc" | "desc") => rowOrder("name", direction);

describe("cursors", () => {
  test("carry text, dates and serial ids through unchanged", () => {
    const names = cursorCodec("rows:name:asc", "text");
    expect(names.decode(names.encode({ value: "Nightly ☃ 100%", id: "a" }))).toEqual({
      value: "Nightly ☃ 100%",
      id: "a",
    });

    const dates = cursorCodec("rows:at:desc", "date");
    const at = new Date("2026-12-01T23:59:59.999Z");
    expect(dates.decode(dates.encode({ value: at, id: "b" }))).toEqual({ value: at, id: "b" });

    const serials = cursorCodec("rows:id:desc", "serial", true);
    expect(serials.decode(serials.encode({ value: 123_456_789_012_345_678n }))).toEqual({
      value: 123_456_789_012_345_678n,
    });
  });

  test("a cursor of another order or list is refused, saying so", () => {
    const cursor = cursorCodec("jobs:name:asc", "text").encode({ value: "Nightly", id: "a" });
    for (const other of [
      cursorCodec("jobs:name:desc", "text"),
      cursorCodec("jobs:jobDate:asc", "date"),
      cursorCodec("tapes:barcode:asc", "text"),
    ]) {
      const error = refusal(() => other.decode(cursor));
      expect(error).toMatchObject({ code: "BAD_REQUEST", field: "cursor" });
      expect(error.message).toMatch(/made for another sort order/);
    }
  });

  test("an edited or foreign-format cursor is refused as not valid, before it reaches the database", () => {
    const dates = cursorCodec("rows:at:asc", "date");
    const names = cursorCodec("rows:name:asc", "text");
    const serials = cursorCodec("rows:id:desc", "serial", true);
    const cases: [typeof dates | typeof names | typeof serials, string][] = [
      [names, "not a cursor"],
      [names, asCursor({ v: "Nightly", id: "a" })],
      [names, asCursor(["rows:name:asc", "Nightly"])],
      [names, asCursor(["rows:name:asc", "Night\u0000ly", "a"])],
      [names, asCursor(["rows:name:asc", "Nightly", "\uD800"])],
      [names, asCursor(["rows:name:asc", 42, "a"])],
      [dates, asCursor(["rows:at:asc", "yesterday", "a"])],
      [dates, asCursor(["rows:at:asc", "0000-01-01T00:00:00.000Z", "a"])],
      [dates, asCursor(["rows:at:asc", "+275760-09-13T00:00:00.000Z", "a"])],
      [serials, "12"],
      [serials, asCursor(["rows:id:desc", "0"])],
      [serials, asCursor(["rows:id:desc", "-1"])],
      [serials, asCursor(["rows:id:desc", "9".repeat(19)])],
      [serials, asCursor(["rows:id:desc", 12])],
    ];
    for (const [codec, cursor] of cases) {
      const error = refusal(() => codec.decode(cursor));
      expect(error, cursor).toMatchObject({ code: "BAD_REQUEST", field: "cursor" });
      expect(error.message).toMatch(/page cursor is not valid/);
    }
  });
});

describe("list orders", () => {
  test("orders by the sort column, then id, in one direction", () => {
    expect(byName("desc").orderBy).toEqual([{ name: "desc" }, { id: "desc" }]);
  });

  test("the first page has no bound", () => {
    expect(byName("asc").after(undefined)).toEqual([]);
    expect(byName("asc").after(null)).toEqual([]);
  });

  test("rows after the cursor: an inclusive bound on the key, then past the cursor's id among equal keys", () => {
    const asc = byName("asc");
    const { nextCursor } = asc.page(
      [
        { id: "a", name: "alpha" },
        { id: "b", name: "beta" },
      ],
      1,
    );
    expect(asc.after(nextCursor)).toEqual([
      { name: { gte: "alpha" } },
      { OR: [{ name: { gt: "alpha" } }, { id: { gt: "a" } }] },
    ]);

    const desc = byName("desc");
    const next = desc.page(
      [
        { id: "b", name: "beta" },
        { id: "a", name: "alpha" },
      ],
      1,
    ).nextCursor;
    expect(desc.after(next)).toEqual([
      { name: { lte: "beta" } },
      { OR: [{ name: { lt: "beta" } }, { id: { lt: "b" } }] },
    ]);
  });

  test("ordered by id, a list needs no tie-break", () => {
    const newestFirst = rowOrder("id", "desc");
    expect(newestFirst.orderBy).toEqual([{ id: "desc" }]);
    const { items, nextCursor } = newestFirst.page([{ id: 9n }, { id: 7n }, { id: 4n }], 2);
    expect(items).toEqual([{ id: 9n }, { id: 7n }]);
    expect(newestFirst.after(nextCursor)).toEqual([{ id: { lt: 7n } }]);
  });

  test("a page holds at most `limit` rows and has a next cursor only when a row was left over", () => {
    const asc = byName("asc");
    const rows = [
      { id: "a", name: "alpha" },
      { id: "b", name: "beta" },
    ];
    expect(asc.page(rows, 2)).toEqual({ items: rows, nextCursor: null });
    expect(asc.page([], 2)).toEqual({ items: [], nextCursor: null });
    expect(asc.page(rows, 1).items).toEqual([rows[0]]);
  });
});
