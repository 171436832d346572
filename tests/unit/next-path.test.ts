import { describe, expect, test } from "vitest";
import { pathAfterSignIn } from "../../app/(public)/sign-in/next-path";

describe("where sign-in leads", () => {
  test.each([
    ["/backup/outbox", "/backup/outbox"],
    ["/backup/tapes?status=full#top", "/backup/tapes?status=full#top"],
    ["/manage/access", "/manage/access"],
  ])("%s, a page of the app, is kept", (next, expected) => {
    expect(pathAfterSignIn(next)).toBe(expected);
  });

  test.each([
    // "/%5Cevil.com" arrives decoded: browsers read a backslash after the first slash as a second slash.
    ["/\\evil.com"],
    ["/\\/evil.com"],
    ["//evil.com"],
    ["https://evil.com/backup"],
    ["\\\\evil.com"],
    ["/\t/evil.com"],
    ["javascript:alert(1)"],
  ])("%j leads to another origin and is replaced by the overview", (next) => {
    expect(pathAfterSignIn(next)).toBe("/backup");
  });

  test("no next parameter leads to the overview", () => {
    expect(pathAfterSignIn(null)).toBe("/backup");
    expect(pathAfterSignIn("")).toBe("/backup");
  });
});
