"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useTRPC } from "@/app/_trpc/client";
import type { FieldConsignment } from "@/lib/consignments";
import type { AppRouter } from "@/server/root";

type Consignment = inferRouterOutputs<AppRouter>["consignments"]["get"];

/** The server's consignment in the shape the phone caches. */
function fieldConsignmentOf({ lines, fromSite, toSite, ...consignment }: Consignment): FieldConsignment {
  const labels = (keep: (line: Consignment["lines"][number]) => boolean) =>
    lines
      .filter(keep)
      .map((line) => line.tape.barcode)
      .sort();
  return {
    id: consignment.id,
    number: consignment.number,
    state: consignment.state,
    containerId: consignment.containerId,
    sealNumbers: consignment.sealNumbers,
    courierName: consignment.courierName,
    dispatchedById: consignment.dispatchedById,
    fromSite: { id: fromSite.id, name: fromSite.name },
    toSite: { id: toSite.id, name: toSite.name },
    expected: labels((line) => line.expected),
    scannedOut: labels((line) => line.scannedOutAt !== null),
  };
}

export type FieldConsignmentState =
  { status: "loading" } | { status: "found"; consignment: FieldConsignment } | { status: "unknown"; reason: string };

/**
 * The consignment from the device's cache, which works offline and shows what was dispatched or received
 * here; when the cache does not hold it (it was approved since the last pull), from the server.
 */
export function useFieldConsignment(id: string): FieldConsignmentState {
  const trpc = useTRPC();
  const cached = useLiveQuery(async (db) => ({ consignment: (await db.consignments.get(id)) ?? null }), [id]);
  const fetched = useQuery({
    ...trpc.consignments.get.queryOptions({ id }),
    enabled: cached?.consignment === null,
    retry: false,
  });
  const fromServer = useMemo(() => fetched.data && fieldConsignmentOf(fetched.data), [fetched.data]);
  if (!cached) return { status: "loading" };
  if (cached.consignment) return { status: "found", consignment: cached.consignment };
  if (fromServer) return { status: "found", consignment: fromServer };
  if (fetched.error)
    return {
      status: "unknown",
      reason:
        fetched.error.data?.code === "NOT_FOUND"
          ? "There is no such consignment."
          : "This consignment is not on this device yet, and the server cannot be reached. Open it once with a connection.",
    };
  return { status: "loading" };
}
