import { describe, expect, test } from "vitest";
import type { AccessLevel, Role } from "../../lib/vocabulary";
import { effectiveAccess } from "../../server/access/rules";

describe("effectiveAccess", () => {
  test.each<[Role, AccessLevel | null | undefined, AccessLevel]>([
    ["admin", undefined, "write"],
    ["admin", null, "write"],
    // A stale override must never make an administrator read-only.
    ["admin", "read", "write"],
    ["staff", undefined, "write"],
    ["staff", "read", "read"],
    ["courier", null, "write"],
    ["courier", "read", "read"],
    ["custodian", "write", "write"],
    ["custodian", "read", "read"],
  ])("%s with override %s has %s access", (role, override, expected) => {
    expect(effectiveAccess(role, override)).toBe(expected);
  });
});
