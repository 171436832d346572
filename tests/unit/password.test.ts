import { describe, expect, test } from "vitest";
import { newPasswordSchema } from "../../lib/password";
import { MIN_PASSWORD_LENGTH } from "../../lib/vocabulary";

const problems = (password: string) =>
  newPasswordSchema.safeParse(password).error?.issues.map((issue) => issue.message) ?? [];

describe("the password rule", () => {
  test.each([["tape-vault-2024"], ["Correct horse 9"], ["abcdef123456"]])("%s is accepted", (password) => {
    expect(problems(password)).toEqual([]);
  });

  test("exactly the minimum length is enough", () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(problems("abcdefghij12")).toEqual([]);
    expect(problems("abcdefghi12")).toEqual([`Password must be at least ${MIN_PASSWORD_LENGTH} characters`]);
  });

  test("letters and digits are both required", () => {
    expect(problems("onlyletterslong")).toContain("Password must contain letters and digits");
    expect(problems("123456789012345")).toContain("Password must contain letters and digits");
  });

  test("a long but repetitive password is refused", () => {
    expect(problems("aaaaaaaaaaa1")).toContain("Password is too repetitive");
    expect(problems("abababab1212")).toContain("Password is too repetitive");
  });

  test("more than 128 characters is refused", () => {
    expect(problems(`${"abcdefgh12".repeat(12)}abcdefghi`)).toEqual(["Password must be at most 128 characters"]);
    expect(problems(`${"abcdefgh12".repeat(12)}abcdefgh`)).toEqual([]);
  });
});
