import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCClient } from "@trpc/client";
import superjson from "superjson";
import { MAX_CALLS_PER_BATCH } from "@/lib/api";
import type { AppRouter } from "@/server/root";
import { SyncTransportError, type SyncTransport } from "./sync-loop";

/** Sorts a failed call into what the sync engine does next: retry, ask to sign in, or report. */
export function classifyTrpcError(error: unknown): SyncTransportError {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; httpStatus?: number } | undefined;
    if (data?.code === "UNAUTHORIZED") return new SyncTransportError("unauthorized", error.message, { cause: error });
    // No tRPC answer at all: the request or its response never made it (or a proxy answered instead).
    if (!data?.httpStatus) return new SyncTransportError("network", "No connection to the server", { cause: error });
    if (data.httpStatus >= 500) return new SyncTransportError("server", error.message, { cause: error });
    return new SyncTransportError("refused", error.message, { cause: error });
  }
  return new SyncTransportError("network", "No connection to the server", { cause: error });
}

async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyTrpcError(error);
  }
}

export function createTrpcSyncTransport(
  client: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_CALLS_PER_BATCH })],
  }),
): SyncTransport {
  return {
    push: (batch) => classified(() => client.sync.push.mutate(batch)),
    pullCatalogue: ({ cursor }) => classified(() => client.sync.catalogue.query({ cursor })),
    discard: (input) => classified(async () => void (await client.sync.discard.mutate(input))),
  };
}
