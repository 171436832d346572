import { describe, expect, test } from "vitest";
import { isLoopback } from "../../server/setup/service";

// Only a browser on the server's own machine may create the first administrator without the setup code.
describe("isLoopback", () => {
  test.each([["127.0.0.1"], ["127.8.9.10"], ["::1"], ["::ffff:127.0.0.1"], ["::FFFF:127.0.0.1"]])(
    "%s is this machine",
    (ip) => {
      expect(isLoopback(ip)).toBe(true);
    },
  );

  test.each([
    [null],
    [""],
    ["203.0.113.9"],
    ["10.0.0.1"],
    ["128.0.0.1"],
    ["::ffff:10.0.0.1"],
    ["2001:db8::1"],
    ["localhost"],
    ["127.0.0.1.example.com"],
    ["127.0.0.1, 203.0.113.9"],
  ])("%j is not", (ip) => {
    expect(isLoopback(ip)).toBe(false);
  });
});
