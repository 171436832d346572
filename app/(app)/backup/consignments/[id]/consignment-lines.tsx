"use client";

import { useMutation } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { DataTable, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { declareLostSchema, resolveIncidentSchema, stepRefusal, type ConsignmentState } from "@/lib/consignments";
import { formatCalendarDate } from "@/lib/dates";
import { LOCATION_KIND_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";
import { OutcomeBadges } from "../../_components/consignment-badges";
import { useAfterStep } from "../../_components/after-step";
import { ReasonDialog } from "../../_components/reason-dialog";

type Line = inferRouterOutputs<AppRouter>["consignments"]["get"]["lines"][number];
type Row = Line & { id: string };

const tapeLink = (row: Row) => (
  <Link href={`/backup/tapes/${row.tape.id}`} className="font-mono font-medium text-brand-700 hover:underline">
    {row.tape.barcode}
  </Link>
);

/** The open incident in red, or how a closed one ended. */
function Incident({ row }: { row: Row }) {
  if (row.incident === "missing")
    return <span className="font-medium text-red-700">Missing: not scanned {row.scannedOutAt ? "in" : "out"}</span>;
  if (row.incident === "lost")
    return <span className="font-medium text-red-700">Lost{row.lostReason && `: ${row.lostReason}`}</span>;
  if (row.resolvedAt) return <span className="text-slate-600">Resolved: {row.resolution}</span>;
  return <span className="text-slate-500">—</span>;
}

const nowAt = (row: Row) =>
  row.location ? [LOCATION_KIND_LABEL[row.location.kind], row.location.site].filter(Boolean).join(" · ") : "Not logged";

const COLUMNS: Column<Row>[] = [
  { key: "barcode", header: "Barcode", cell: tapeLink },
  {
    key: "outcome",
    header: "Outcome",
    cell: (row) => <OutcomeBadges outcome={row.outcome} unexpected={row.unexpected} />,
  },
  { key: "incident", header: "Incident", cell: (row) => <Incident row={row} /> },
  { key: "out", header: "Scanned out", cell: (row) => <Moment value={row.scannedOutAt} /> },
  { key: "in", header: "Scanned in", cell: (row) => <Moment value={row.scannedInAt} /> },
  { key: "now", header: "Now at", cell: nowAt },
  { key: "expires", header: "Data expires", cell: (row) => formatCalendarDate(row.dataExpiresAt) },
];

type Dialog = { kind: "lost" | "found" | "resolve"; row: Row } | null;

/**
 * Every cartridge of the consignment with what it came to. A missing one, once the case has been received,
 * can be declared lost or marked found; a lost one found or resolved with a note.
 */
export function ConsignmentLines({
  consignment,
}: {
  consignment: { id: string; number: string; state: ConsignmentState; lines: Line[] };
}) {
  const trpc = useTRPC();
  const afterStep = useAfterStep(trpc.consignments.pathKey());
  const canManage = useCan("consignments.manage");
  const paging = useKeysetPages(consignment.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const declareLost = useMutation(trpc.consignments.declareLost.mutationOptions());
  const markFound = useMutation(trpc.consignments.markFound.mutationOptions());
  const resolve = useMutation(trpc.consignments.resolveIncident.mutationOptions());
  const { id, number, state } = consignment;
  const rows: Row[] = consignment.lines.map((line) => ({ ...line, id: line.tapeId }));
  const received = state === "received" || state === "received_with_discrepancies";
  const mayMarkFound = stepRefusal("markFound", state) === null;

  function close() {
    setDialog(null);
    markFound.reset();
  }

  async function onFound(row: Row) {
    try {
      await markFound.mutateAsync({ id, tapeIds: [row.tapeId] });
      close();
      await afterStep(`${row.tape.barcode} found and received.`);
    } catch {
      // Shown in the dialog.
    }
  }

  function lineActions(row: Row) {
    if (!canManage || !row.incident) return null;
    const barcode = row.tape.barcode;
    const offered: (readonly [NonNullable<Dialog>["kind"], string])[] = [
      ...(received && row.incident === "missing" ? [["lost", `Declare ${barcode} lost`] as const] : []),
      ...(mayMarkFound ? [["found", `Mark ${barcode} found`] as const] : []),
      ...(row.incident === "lost" ? [["resolve", `Resolve ${barcode}`] as const] : []),
    ];
    return (
      <span className="inline-flex flex-wrap justify-end gap-1">
        {offered.map(([kind, label]) => (
          <button
            key={kind}
            type="button"
            className="btn-secondary px-2 py-1 text-xs"
            onClick={() => setDialog({ kind, row })}
          >
            {label}
          </button>
        ))}
      </span>
    );
  }

  const row = dialog?.row;
  return (
    <>
      <DataTable
        title={`Cartridges (${rows.length})`}
        noun="cartridges"
        testId="consignment-lines"
        pagesLabel="Pages of cartridges"
        columns={COLUMNS}
        query={{
          data: { items: rows, nextCursor: null },
          isPending: false,
          isSuccess: true,
          isError: false,
          isFetching: false,
          error: null,
          refetch: () => undefined,
        }}
        paging={paging}
        empty="No cartridge is expected in this consignment yet."
        card={(line) => (
          <div className="space-y-1">
            <p className="flex flex-wrap items-center gap-2">
              {tapeLink(line)} <OutcomeBadges outcome={line.outcome} unexpected={line.unexpected} />
            </p>
            <p className="text-sm">
              <Incident row={line} />
            </p>
            <p className="text-xs text-slate-500">
              Now {nowAt(line)} · data expires {formatCalendarDate(line.dataExpiresAt)}
            </p>
          </div>
        )}
        rowAction={canManage ? lineActions : undefined}
      />

      <ReasonDialog
        open={dialog?.kind === "lost"}
        title={`Declare ${row?.tape.barcode ?? ""} lost`}
        label="Why it is lost"
        confirmLabel="Declare lost"
        danger
        rule={declareLostSchema.shape.reason}
        onSubmit={async (reason) => {
          if (!row) return;
          await declareLost.mutateAsync({ id, tapeId: row.tapeId, reason });
          await afterStep(`${row.tape.barcode} declared lost.`);
        }}
        onClose={close}
      >
        <p>It stays an open incident of {number} until it is found or the loss is resolved with a note.</p>
      </ReasonDialog>
      <ReasonDialog
        open={dialog?.kind === "resolve"}
        title={`Resolve the loss of ${row?.tape.barcode ?? ""}`}
        label="How it was resolved"
        confirmLabel="Resolve"
        rule={resolveIncidentSchema.shape.note}
        onSubmit={async (note) => {
          if (!row) return;
          await resolve.mutateAsync({ id, tapeId: row.tapeId, note });
          await afterStep(`The loss of ${row.tape.barcode} is resolved.`);
        }}
        onClose={close}
      />
      <ConfirmDialog
        open={dialog?.kind === "found"}
        title={`Mark ${row?.tape.barcode ?? ""} found?`}
        confirmLabel="Mark found"
        pending={markFound.isPending}
        error={markFound.error && errorMessage(markFound.error)}
        onConfirm={() => row && void onFound(row)}
        onCancel={close}
      >
        It is logged at the destination as received now, and its incident ends.
      </ConfirmDialog>
    </>
  );
}
