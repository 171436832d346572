/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite loads its WebAssembly and data files, and pdfkit its standard fonts, from their own package
  // directories at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "pdfkit"],
  poweredByHeader: false,
  // The build checks only the app; tests and scripts are type-checked by `npm run typecheck`.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

module.exports = nextConfig;
