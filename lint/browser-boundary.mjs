import path from "node:path";

/**
 * Browser code (app/_client/ and every "use client" module) may import types from server/ (the tRPC
 * router's type), never values: a value import would bundle server modules, their secrets and their
 * database driver, into what the browser downloads. Resolved by path, so `@/server/…` and relative
 * imports are caught alike.
 */
const FORBIDDEN = ["server", "scripts"];

const isClientModule = (program) =>
  program.body.some((node) => node.type === "ExpressionStatement" && node.directive === "use client");

export const noServerInBrowser = {
  meta: {
    type: "problem",
    docs: { description: "Browser code imports no values from server/ or scripts/" },
    messages: {
      forbidden:
        "Browser code cannot import {{dir}}/ ('{{source}}'): it would ship server code to the browser. " +
        "Import only types (`import type`), call the server through tRPC, or move shared code to lib/.",
    },
    schema: [],
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const inClientFolder = !path.relative(path.join(root, "app", "_client"), file).startsWith("..");
    let browser = inClientFolder;

    function check(node, source, typeOnly) {
      if (!browser || typeOnly || typeof source !== "string") return;
      let target;
      if (source.startsWith("@/")) target = path.join(root, source.slice(2));
      else if (source.startsWith(".")) target = path.resolve(path.dirname(file), source);
      else return;
      const [dir] = path.relative(root, target).split(path.sep);
      if (FORBIDDEN.includes(dir)) context.report({ node, messageId: "forbidden", data: { dir, source } });
    }
    const allTypes = (node) =>
      node.importKind === "type" ||
      node.exportKind === "type" ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((specifier) => specifier.importKind === "type" || specifier.exportKind === "type"));

    return {
      Program(program) {
        browser = inClientFolder || isClientModule(program);
      },
      ImportDeclaration: (node) => check(node, node.source.value, allTypes(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, allTypes(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === "type"),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value, false),
    };
  },
};
