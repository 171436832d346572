import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, test } from "vitest";

/**
 * The import rules of eslint.config.mjs, run through ESLint's own API on source text placed at a path in
 * the project, as `npm run lint` sees it. Type information is turned off here: the boundaries need none,
 * and building the project's program would cost most of the run.
 */
const root = path.resolve(__dirname, "../..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: { "@typescript-eslint/no-floating-promises": "off" },
    },
  });
});

async function problems(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

const serverImport = 'import { getDb } from "@/server/db";\n\nexport const db = getDb;\n';

describe("import boundaries", () => {
  test("browser code cannot import a server value, by alias or relative path", async () => {
    for (const [file, code] of [
      ["app/_client/fixture.ts", serverImport],
      ["app/_client/fixture.ts", 'import { getDb } from "../../server/db";\n\nexport const db = getDb;\n'],
      ["app/_client/fixture.ts", 'export { getDb } from "@/server/db";\n'],
      ["app/(app)/backup/fixture.tsx", `"use client";\n\n${serverImport}`],
      ["app/_client/fixture.ts", 'import { migrate } from "@/scripts/migrate";\n\nexport const run = migrate;\n'],
    ]) {
      const found = await problems(file!, code!);
      expect(found, `${file}: ${code}`).toContainEqual({
        ruleId: "boundaries/no-server-in-browser",
        message: expect.stringMatching(/^Browser code cannot import (server|scripts)\//),
      });
    }
  }, 180_000);

  test("browser code may import server types, and server-rendered pages may import server values", async () => {
    const typeOnly = 'import type { AppRouter } from "@/server/root";\n\nexport type Router = AppRouter;\n';
    expect(await problems("app/_client/fixture.ts", typeOnly)).toEqual([]);
    expect(await problems("app/(app)/backup/fixture.tsx", serverImport)).toEqual([]);
  }, 180_000);

  test("lib/ imports neither the app nor the server", async () => {
    for (const code of [
      serverImport,
      'import { useTRPC } from "@/app/_trpc/client";\n\nexport const use = useTRPC;\n',
    ]) {
      const found = await problems("lib/fixture.ts", code);
      expect(found, code).toContainEqual({
        ruleId: "import-x/no-restricted-paths",
        message: expect.stringContaining("lib/ runs in the browser and on the server alike"),
      });
    }
  }, 180_000);

  test("the server does not import a command-line script", async () => {
    const found = await problems(
      "server/fixture.ts",
      'import { migrate } from "../scripts/start";\n\nexport const run = migrate;\n',
    );
    expect(found.map((problem) => problem.ruleId)).toContain("import-x/no-restricted-paths");
  }, 180_000);
});
