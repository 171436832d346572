import { z } from "zod";
import { inputErrorMessage } from "../trpc";
import { DomainError, reportInternalError, type DomainErrorCode } from "../errors";

/** Every error the REST API answers, in one shape: a code a program can branch on and words for a person. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "snake_case, stable: what a client branches on" }),
    message: z.string().meta({ description: "What went wrong, in words" }),
    details: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "For invalid input: each problem with the field it is about" }),
    requestId: z.string().optional().meta({ description: "For a server error: the id its log entry carries" }),
  }),
});
type ApiErrorBody = z.output<typeof apiErrorSchema>["error"];

/** A refusal on its way to the client: status, body and any headers (Retry-After). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ApiErrorBody["details"],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const DOMAIN_STATUS: Record<DomainErrorCode, [number, string]> = {
  BAD_REQUEST: [400, "invalid_input"],
  UNAUTHORIZED: [401, "unauthorized"],
  FORBIDDEN: [403, "forbidden"],
  NOT_FOUND: [404, "not_found"],
  CONFLICT: [409, "conflict"],
  UNPROCESSABLE_CONTENT: [422, "unprocessable"],
  TOO_MANY_REQUESTS: [429, "rate_limited"],
};

export const invalidInput = (error: z.ZodError, where: string) =>
  new ApiError(
    400,
    "invalid_input",
    `Invalid ${where}: ${inputErrorMessage(error)}`,
    error.issues.map((issue) => ({ field: issue.path.map(String).join("."), message: issue.message })),
  );

/** Any failure as the API's error response; what is not a refusal is logged and answered 500 with its id. */
export function errorResponse(error: unknown): Response {
  let status: number;
  let body: ApiErrorBody;
  let headers: Record<string, string> = {};
  if (error instanceof ApiError) {
    status = error.status;
    body = { code: error.code, message: error.message, details: error.details };
    headers = error.headers ?? {};
  } else if (error instanceof DomainError) {
    const [domainStatus, code] = DOMAIN_STATUS[error.code];
    status = domainStatus;
    body = {
      code,
      message: error.message,
      details: error.field ? [{ field: error.field, message: error.message }] : undefined,
    };
  } else {
    const internal = reportInternalError(error, "REST API request");
    status = 500;
    body = { code: "server_error", message: internal.message, requestId: internal.requestId };
  }
  return Response.json({ error: body } satisfies z.input<typeof apiErrorSchema>, {
    status,
    headers: { "cache-control": "no-store", ...headers },
  });
}
