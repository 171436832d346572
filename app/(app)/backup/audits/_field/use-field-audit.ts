"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { isAuditScan } from "@/app/_client/field-audits";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useViewer } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import type { AuditState, FieldAudit, ScanOutcome } from "@/lib/audits";

/** How often the server's count of the audit is read while the screen is open: other phones scan too. */
const LIVE_MS = 5000;

/** An audit as the scan screen shows it. */
export type ScannedAudit = Omit<FieldAudit, "state"> & {
  state: AuditState;
  /** The outcome of each scan the server has applied. */
  applied: Record<string, ScanOutcome>;
  /** This user's scans of it still on this device. */
  waiting: number;
  /** Who closed or cancelled it and when, once the server says it is no longer open. */
  ended: { by: string | null; at: Date | null } | null;
};

export type FieldAuditState =
  { status: "loading" } | { status: "found"; audit: ScannedAudit } | { status: "unknown"; reason: string };

/**
 * The audit from the device's cache, which works offline, joined with the server's view when it can be
 * reached (scans from other phones, their outcomes, whether it was closed) and with this user's scans that
 * wait in the outbox: the counts are the server's plus what this device has not sent yet.
 */
export function useFieldAudit(id: string): FieldAuditState {
  const trpc = useTRPC();
  const viewer = useViewer();
  const local = useLiveQuery(
    async (db) => ({
      cached: (await db.audits.get(id)) ?? null,
      waiting: (
        await db.outbox
          .where("status")
          .equals("pending")
          .filter((row) => row.userId === viewer?.id && isAuditScan(row) && row.payload.auditId === id)
          .toArray()
      ).flatMap((row) => (isAuditScan(row) ? [row.payload.barcode] : [])),
    }),
    [id, viewer?.id],
  );
  const fetched = useQuery({
    ...trpc.audits.get.queryOptions({ id }),
    retry: false,
    refetchInterval: (query) => (query.state.data && query.state.data.state !== "open" ? false : LIVE_MS),
  });
  const server = fetched.data;

  return useMemo((): FieldAuditState => {
    if (!local) return { status: "loading" };
    const { cached, waiting } = local;
    if (!cached && !server) {
      if (fetched.error)
        return {
          status: "unknown",
          reason:
            fetched.error.data?.code === "NOT_FOUND" || fetched.error.data?.code === "BAD_REQUEST"
              ? "There is no such audit."
              : "This audit is not on this device, and the server cannot be reached. Open it once with a connection.",
        };
      return { status: "loading" };
    }
    const serverScans = server?.scans ?? [];
    const base: FieldAudit = cached ?? {
      id: server!.id,
      number: server!.number,
      state: server!.state,
      siteId: server!.site.id,
      siteName: server!.site.name,
      shelf: server!.shelf,
      locker: server!.locker,
      expected: server!.expected.map((line) => line.barcode).sort(),
      scanned: [],
    };
    const ended =
      server?.state === "closed"
        ? { by: server.closedByName, at: server.closedAt }
        : server?.state === "cancelled"
          ? { by: server.cancelledByName, at: server.cancelledAt }
          : null;
    return {
      status: "found",
      audit: {
        ...base,
        // The server knows best whether it is still open; offline, the cache does.
        state: server?.state ?? base.state,
        scanned: [...new Set([...base.scanned, ...serverScans.map((scan) => scan.barcode), ...waiting])].sort(),
        applied: Object.fromEntries(serverScans.map((scan) => [scan.barcode, scan.outcome])),
        waiting: waiting.length,
        ended,
      },
    };
  }, [local, server, fetched.error]);
}
