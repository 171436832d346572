import path from "node:path";

/** Where the data lives, read from DATABASE_URL. */
export type DatabaseLocation = { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };

export const DEFAULT_PGLITE_DIR = "./data/pglite";

export function parseDatabaseUrl(raw: string | undefined): DatabaseLocation {
  const value = raw?.trim();
  if (!value) return { kind: "pglite", dataDir: path.resolve(DEFAULT_PGLITE_DIR) };
  if (value.startsWith("pglite:")) {
    const dir = value.slice("pglite:".length);
    if (!dir) throw new Error("DATABASE_URL=pglite:<dir> needs a directory after 'pglite:'");
    return { kind: "pglite", dataDir: path.resolve(dir) };
  }
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: "postgres", url: value };
  throw new Error(
    "DATABASE_URL must be postgres://…, postgresql://… or pglite:<dir> (or unset for the embedded database)",
  );
}
