import { describe, expect, test } from "vitest";
import { isUniqueViolation } from "../../server/errors";

describe("isUniqueViolation", () => {
  test("recognises Prisma's P2002 (adapter-pg) and PostgreSQL's 23505 passed through (PGlite)", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ name: "DriverAdapterError", cause: { kind: "postgres", code: "23505" } })).toBe(true);
  });

  test("ignores other failures", () => {
    for (const error of [
      null,
      undefined,
      "P2002",
      new Error("duplicate"),
      { code: "P2003" },
      { cause: { kind: "postgres", code: "23514" } },
      { cause: { code: "23505" } },
    ]) {
      expect(isUniqueViolation(error)).toBe(false);
    }
  });
});
