import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { buildOpenApiDocument } from "@/server/api/openapi";

export const metadata: Metadata = { title: "API reference" };

type Schema = {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
};
type Operation = {
  summary: string;
  description?: string;
  "x-required-scope": string;
  parameters: { name: string; in: string; required: boolean; schema: Schema }[];
  requestBody?: { content: { "application/json": { schema: Schema } } };
  responses: Record<string, { description: string }>;
};

/** A JSON Schema's type in a few words: "string (date-time)", "one of passed, failed", "array of string". */
function typeOf(schema: Schema): string {
  if (schema.enum) return `one of ${schema.enum.join(", ")}`;
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.type === "array") return `array of ${schema.items ? typeOf(schema.items) : "values"}`;
  const type = [schema.type ?? "any"].flat().join(" or ");
  return `${type}${schema.format ? ` (${schema.format})` : ""}${schema.nullable ? " or null" : ""}`;
}

function Fields({ caption, rows }: { caption: string; rows: { name: string; schema: Schema; required: boolean }[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="mt-3 w-full text-left text-sm">
      <caption className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">{caption}</caption>
      <thead className="sr-only">
        <tr>
          <th>Field</th>
          <th>Type</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, schema, required }) => (
          <tr key={name} className="border-t border-slate-100 align-top">
            <td className="py-1 pr-4 font-mono text-xs whitespace-nowrap">
              {name}
              {required && <span className="text-slate-500"> (required)</span>}
            </td>
            <td className="py-1 text-slate-700">
              {typeOf(schema)}
              {schema.description && <span className="block text-xs text-slate-500">{schema.description}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The REST API's endpoints, read from the same OpenAPI document the server serves at /api/v1/openapi.json. */
export default async function ApiReferencePage() {
  const host = (await headers()).get("host") ?? "localhost";
  const document = buildOpenApiDocument(`http://${host}`);
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, operation]) => ({ path, method, operation })),
  );
  return (
    <div className="mx-auto max-w-4xl">
      <p className="text-sm">
        <Link href="/manage/integrations" className="text-brand-700 underline">
          Integrations
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">API reference</h1>
      <p className="mt-1 text-sm text-slate-600">
        Every request sends an API token as <code>Authorization: Bearer bm_…</code> and JSON bodies with{" "}
        <code>Content-Type: application/json</code>. Errors always come as{" "}
        <code>{'{"error": {"code", "message", "details"}}'}</code>. The machine-readable document is{" "}
        <a href="/api/v1/openapi.json" className="font-medium text-brand-700 underline">
          /api/v1/openapi.json
        </a>{" "}
        (OpenAPI 3).
      </p>
      {operations.map(({ path, method, operation }) => {
        const body = operation.requestBody?.content["application/json"].schema;
        return (
          <section key={`${method} ${path}`} className="card mt-4 p-5" aria-label={`${method.toUpperCase()} ${path}`}>
            <h2 className="font-mono text-sm font-semibold [overflow-wrap:anywhere]">
              {method.toUpperCase()} /api/v1{path}
            </h2>
            <p className="mt-1 font-medium">{operation.summary}</p>
            <p className="text-xs text-slate-600">
              Needs the scope <code>{operation["x-required-scope"]}</code>
            </p>
            {operation.description && <p className="mt-2 text-sm text-slate-700">{operation.description}</p>}
            <Fields
              caption="Parameters"
              rows={operation.parameters.map((parameter) => ({
                name: `${parameter.name} (${parameter.in})`,
                schema: parameter.schema,
                required: parameter.required,
              }))}
            />
            {body && (
              <Fields
                caption="Body"
                rows={Object.entries(body.properties ?? {}).map(([name, schema]) => ({
                  name,
                  schema,
                  required: (body.required ?? []).includes(name),
                }))}
              />
            )}
            <p className="mt-3 text-xs text-slate-600">
              Answers:{" "}
              {Object.entries(operation.responses)
                .map(([status, response]) => `${status} ${response.description}`)
                .join(" · ")}
            </p>
          </section>
        );
      })}
    </div>
  );
}
