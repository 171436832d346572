import { describe, expect, test } from "vitest";
import { fromDateInput } from "../../lib/dates";
import { bytesToSize, expiryFor, sizeToBytes, SIZE_UNITS } from "../../lib/jobs";

describe("sizes with units", () => {
  test("decimal amounts become exact bytes", () => {
    expect(sizeToBytes("1.5", "TB")).toEqual({ ok: true, bytes: 1_500_000_000_000n });
    expect(sizeToBytes("1.1", "TB")).toEqual({ ok: true, bytes: 1_100_000_000_000n });
    expect(sizeToBytes(" 12 ", "GB")).toEqual({ ok: true, bytes: 12_000_000_000n });
    expect(sizeToBytes(".5", "KB")).toEqual({ ok: true, bytes: 500n });
    expect(sizeToBytes("0", "PB")).toEqual({ ok: true, bytes: 0n });
  });

  test("what is not a size, or less than a byte, is refused", () => {
    for (const amount of ["", "abc", "1,5", "-1", "1e3", "1.2.3"])
      expect(sizeToBytes(amount, "GB").ok, amount).toBe(false);
    expect(sizeToBytes("0.0001", "KB")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/smaller than one byte/),
    });
  });

  test("bytes are shown in the largest whole unit and read back unchanged", () => {
    expect(bytesToSize(1_500_000_000_000n)).toEqual({ amount: "1.5", unit: "TB" });
    expect(bytesToSize(999n)).toEqual({ amount: "0.999", unit: "KB" });
    expect(bytesToSize(0n)).toEqual({ amount: "0", unit: "KB" });
    for (const bytes of [1n, 1_234_567_890_123n, 5_000_000_000_000_000_000n]) {
      const { amount, unit } = bytesToSize(bytes);
      expect(SIZE_UNITS).toContain(unit);
      expect(sizeToBytes(amount, unit)).toEqual({ ok: true, bytes });
    }
  });
});

describe("dates", () => {
  test("expiry is the job date plus whole days, across month and leap-year ends", () => {
    expect(expiryFor(new Date("2026-01-05T00:00:00Z"), 30)).toEqual(new Date("2026-02-04T00:00:00Z"));
    expect(expiryFor(new Date("2028-02-28T00:00:00Z"), 1)).toEqual(new Date("2028-02-29T00:00:00Z"));
    expect(expiryFor(new Date("2026-03-01T00:00:00Z"), 0)).toEqual(new Date("2026-03-01T00:00:00Z"));
  });

  test("a date input value is that day at UTC midnight", () => {
    expect(fromDateInput("2026-01-05")).toEqual(new Date("2026-01-05T00:00:00Z"));
    expect(fromDateInput("")).toBeNull();
    expect(fromDateInput("2026-13-45")).toBeNull();
  });
});
