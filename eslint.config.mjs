import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import { noServerInBrowser } from "./lint/browser-boundary.mjs";

const TYPESCRIPT = ["**/*.ts", "**/*.tsx"];

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Test helpers named use* (vitest fixtures) are not React hooks.
  { files: ["tests/**"], rules: { "react-hooks/rules-of-hooks": "off" } },

  // Where code may import from: browser code never imports server values; lib/ is shared by both sides
  // and imports neither; nothing in the app imports a command-line script; modules form no cycles.
  {
    files: TYPESCRIPT,
    plugins: { "import-x": importX, boundaries: { rules: { "no-server-in-browser": noServerInBrowser } } },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" }), createNodeResolver()],
    },
    rules: {
      "boundaries/no-server-in-browser": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./lib",
              from: ["./app", "./server", "./scripts"],
              message: "lib/ runs in the browser and on the server alike: it imports from neither side.",
            },
            {
              target: "./server",
              from: ["./app", "./scripts"],
              message:
                "The server does not import the UI or command-line scripts; move shared code to server/ or lib/.",
            },
            {
              target: "./app",
              from: "./scripts",
              message: "Command-line scripts are not part of the app; move shared code to server/ or lib/.",
            },
          ],
        },
      ],
    },
  },

  // An unawaited promise loses its error: await it, or mark deliberate fire-and-forget with `void`.
  {
    files: TYPESCRIPT,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },

  { ignores: ["node_modules/**", ".next/**", "generated/**", "data/**", "public/sw.js", "next-env.d.ts"] },
];

export default config;
