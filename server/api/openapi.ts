import { z } from "zod";
import { API_SCOPE_LABEL, API_SCOPES } from "../../lib/integrations";
import { apiErrorSchema } from "./errors";
import { API_ERROR_RESPONSES, API_ROUTES } from "./routes";

type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema of what a client sends (`input`) or receives (`output`). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const converted: JsonSchema = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "openapi-3.0" });
  delete converted.$schema;
  return converted;
}

function parameters(schema: z.ZodType | undefined, where: "path" | "query") {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

/**
 * The REST API's OpenAPI 3 document, made from the same zod schemas that check each request, so the
 * document cannot describe an API the server does not serve.
 */
export function buildOpenApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        content: response.schema
          ? { "application/json": { schema: jsonSchema(response.schema, "output") } }
          : errorContent,
      };
    }
    for (const [status, description] of Object.entries(API_ERROR_RESPONSES)) {
      responses[status] ??= { description, content: errorContent };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method.toLowerCase()}${route.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string = "") => next.toUpperCase())}`,
      security: [{ bearer: [route.scope] }],
      "x-required-scope": route.scope,
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Backup Monitor API",
      version: "1",
      description:
        "For backup software to report its jobs and look up and move cartridges. Every request carries an API " +
        "token (`Authorization: Bearer bm_…`), created by an administrator under Manage → Integrations with " +
        `the scopes it needs: ${API_SCOPES.map((scope) => `\`${scope}\` (${API_SCOPE_LABEL[scope].toLowerCase()})`).join(", ")}.`,
    },
    servers: [{ url: `${origin}/api/v1` }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token" } },
      schemas: { Error: jsonSchema(apiErrorSchema, "output") },
    },
    paths,
  };
}
