import { vi } from "vitest";

/**
 * The password hash (scrypt) is slow on purpose: a tenth of a second of CPU or more each time a password is
 * hashed or checked. Tests create and sign in users by the hundred, nearly all with the one factory password,
 * so within a test file each hash and each check is computed once and its result reused. They are still the
 * auth library's own scrypt hash and check (the first time, for real); the app outside the tests computes
 * every one afresh. `createTestAuth` gives the library's sign-in these same functions.
 */
vi.mock("better-auth/crypto", async (importOriginal) => {
  const library = await importOriginal<typeof import("better-auth/crypto")>();
  const hashes = new Map<string, Promise<string>>();
  const checks = new Map<string, Promise<boolean>>();
  return {
    ...library,
    hashPassword(password: string) {
      const hash = hashes.get(password) ?? library.hashPassword(password);
      hashes.set(password, hash);
      return hash;
    },
    verifyPassword(input: { hash: string; password: string }) {
      const key = JSON.stringify([input.hash, input.password]);
      const check = checks.get(key) ?? library.verifyPassword(input);
      checks.set(key, check);
      return check;
    },
  };
});
