import type { ApiScope } from "../../lib/integrations";
import type { Db } from "../../server/db";
import { handleApiRequest } from "../../server/api/handler";
import { createApiToken } from "../../server/integrations/tokens";

export const API_ORIGIN = "http://localhost:3000";

/** A token an administrator created, with these scopes. */
export async function apiToken(db: Db, name: string, scopes: ApiScope[], expiresAt: Date | null = null) {
  const { token, apiToken: row } = await createApiToken(
    db,
    { id: null, name: "Test administrator" },
    { name, scopes, expiresAt },
  );
  return { token, id: row.id };
}

/** A request to the REST API as backup software sends it, answered by the app's own handler. */
export async function apiRequest(
  db: Db,
  method: string,
  path: string,
  { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await handleApiRequest(
    new Request(`${API_ORIGIN}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
    { db },
  );
  // A test reads whatever the API answered, as deep as it needs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> };
}
