import { describe, expect, test } from "vitest";
import { createLabelFilter } from "../../app/_client/scanner/label-filter";

/** Feeds frames in order and returns the barcodes reported. */
function reported(frames: (string | null)[], filter = createLabelFilter()): string[] {
  return frames.flatMap((text) => filter.offer(text) ?? []);
}

describe("label filter", () => {
  test("reports a label read in two consecutive frames", () => {
    const filter = createLabelFilter();
    expect(filter.offer("000123L9")).toBeNull();
    expect(filter.offer("000123L9")).toBe("000123L9");
  });

  test("a single frame is never enough", () => {
    expect(reported(["000123L9", null, "000123L9", "ABC001L8", "000123L9"])).toEqual([]);
  });

  test("two different values in a row do not agree", () => {
    expect(reported(["000123L9", "000128L9", "000123L9", "000128L9"])).toEqual([]);
  });

  test("a frame without a barcode breaks the run", () => {
    expect(reported(["000123L9", null, "000123L9"])).toEqual([]);
  });

  test("values that are not LTO labels are ignored and break the run", () => {
    expect(reported(["HELLO", "HELLO", "000123X9", "000123X9", "000123L9", "12345", "000123L9"])).toEqual([]);
  });

  test("what scanners add is normalised before comparing", () => {
    expect(reported(["*000123L9*", " 000123l9 "])).toEqual(["000123L9"]);
  });

  test("each label is reported once while it stays in view, and others as they come", () => {
    const frames = ["000123L9", "000123L9", "000123L9", "000123L9", "CLN001L1", "CLN001L1", "000123L9", "000123L9"];
    expect(reported(frames)).toEqual(["000123L9", "CLN001L1"]);
  });

  test("after reset the same label is reported again, and only once it agrees again", () => {
    const filter = createLabelFilter();
    expect(reported(["000123L9", "000123L9"], filter)).toEqual(["000123L9"]);
    filter.reset();
    expect(reported(["000123L9"], filter)).toEqual([]);
    expect(reported(["000123L9"], filter)).toEqual(["000123L9"]);
  });

  test("the number of agreeing frames can be raised", () => {
    expect(reported(["000123L9", "000123L9"], createLabelFilter({ framesToAgree: 3 }))).toEqual([]);
    expect(reported(["000123L9", "000123L9", "000123L9"], createLabelFilter({ framesToAgree: 3 }))).toEqual([
      "000123L9",
    ]);
  });

  describe("non-standard labels", () => {
    const registered = new Set(["ACME-0042", "000123"]);
    const filter = () => createLabelFilter({ isRegistered: (barcode) => registered.has(barcode) });

    test("a registered one is reported once two frames agree, normalised like any label", () => {
      expect(reported(["acme-0042"], filter())).toEqual([]);
      expect(reported(["*acme-0042*", " ACME-0042 ", "000123", "000123"], filter())).toEqual(["ACME-0042", "000123"]);
    });

    test("an unregistered or malformed one is never reported and breaks the run", () => {
      expect(reported(["ACME-0043", "ACME-0043", "ACME_0042", "ACME_0042"], filter())).toEqual([]);
      expect(reported(["ACME-0042", "ACME-0043", "ACME-0042"], filter())).toEqual([]);
      // A misread of a registered label is just another unregistered value.
      expect(reported(["ACME-0042", "ACME-OO42", "ACME-0042"], filter())).toEqual([]);
    });

    test("without a registry none is ever reported", () => {
      expect(reported(["ACME-0042", "ACME-0042", "000123", "000123"])).toEqual([]);
    });

    test("the registry is asked only about values that are not LTO labels", () => {
      const asked: string[] = [];
      const filter = createLabelFilter({ isRegistered: (barcode) => (asked.push(barcode), false) });
      reported(["000123L9", "000123L9", "HELLO", "NOT_A_LABEL"], filter);
      expect(asked).toEqual(["HELLO"]);
    });
  });
});
