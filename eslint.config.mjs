import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Test helpers named use* (vitest fixtures) are not React hooks.
  { files: ["tests/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  { ignores: ["node_modules/**", ".next/**", "generated/**", "data/**", "public/sw.js", "next-env.d.ts"] },
];

export default config;
