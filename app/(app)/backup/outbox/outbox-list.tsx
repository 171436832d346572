"use client";

import Link from "next/link";
import { useState } from "react";
import { isConsignmentEvent } from "@/app/_client/field-consignments";
import { useFieldSync, useSyncStatus } from "@/app/_client/field-sync";
import type { OutboxRow } from "@/app/_client/outbox";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { Moment } from "@/app/_components/time-zone";
import { unreachable } from "@/lib/exhaustive";
import { parseCartridgeBarcode } from "@/lib/lto";
import { LOCATION_KIND_LABEL } from "@/lib/vocabulary";
import type { SyncEventDraft } from "@/lib/sync/events";

function describe(row: OutboxRow) {
  switch (row.type) {
    case "location.logged":
      return `${LOCATION_KIND_LABEL[row.payload.kind]}${row.payload.site ? `, ${row.payload.site}` : ""}`;
    case "custody.recorded":
      return `Hand-off ${row.payload.fromParty} → ${row.payload.toParty}, signed by ${row.payload.signerName}`;
    case "tape.registered":
      return "Registration";
    case "consignment.dispatched":
      return `Dispatch of ${row.payload.barcodes.length} cartridges, seals ${row.payload.sealNumbers.join(", ")}, signed by ${row.payload.courierName}`;
    case "consignment.received":
      return `Receipt of ${row.payload.barcodes.length} cartridges, signed by ${row.payload.receiverName}`;
    case "audit.scanned":
      return "Audit scan";
    default:
      return unreachable(row, "event");
  }
}

/** What the event is about: a cartridge's label, or the consignment (its dispatch or receipt names its cartridges). */
const subjectOf = (row: OutboxRow) => (isConsignmentEvent(row) ? "Consignment" : row.barcode);

function RejectedEvent({ row }: { row: OutboxRow }) {
  const sync = useFieldSync();
  const [barcode, setBarcode] = useState(row.barcode);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [note, setNote] = useState("");
  const step = isConsignmentEvent(row) ? row : null;

  async function run(work: () => Promise<unknown>) {
    setPending(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "That did not work; try again when online.");
    }
    setPending(false);
  }

  function resend() {
    // A registered cartridge may carry a non-standard label; the server refuses one it does not know.
    const parsed = parseCartridgeBarcode(barcode);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    const corrected = { type: row.type, payload: { ...row.payload, barcode: parsed.barcode } } as SyncEventDraft;
    void run(() => sync!.engine.resubmit(row.id, corrected));
  }

  function registerAndResend() {
    void run(async () => {
      await sync!.engine.enqueue({ type: "tape.registered", payload: { barcode: row.barcode } });
      await sync!.engine.resubmit(row.id, { type: row.type, payload: row.payload } as SyncEventDraft);
    });
  }

  return (
    <li className="space-y-2 p-4 text-sm" data-testid="rejected-event">
      <p>
        <span className="font-mono font-medium">{subjectOf(row)}</span> · {describe(row)}
      </p>
      <p className="text-xs text-slate-500">
        <Moment value={row.occurredAt} />
      </p>
      <p className="rounded bg-amber-50 px-2 py-1 text-amber-900">Refused: {row.reason}</p>
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
      {step && (
        <p className="text-xs text-slate-600" data-testid="consignment-event-help">
          A consignment&apos;s {step.type === "consignment.dispatched" ? "dispatch" : "receipt"} is applied whole or not
          at all, so it cannot be corrected and sent again from here: discard it with a note saying why, then record it
          again from the{" "}
          <Link
            href={`/backup/consignments/${step.payload.consignmentId}/${step.type === "consignment.dispatched" ? "dispatch" : "receive"}`}
            className="text-brand-700 underline"
          >
            consignment&apos;s screen
          </Link>{" "}
          once what was refused is sorted out.
        </p>
      )}
      <div className="flex flex-wrap items-end gap-2">
        {!step && (
          <>
            <label className="text-xs">
              <span className="mb-1 block text-slate-500">Barcode</span>
              <input
                value={barcode}
                onChange={(event) => setBarcode(event.target.value)}
                className="input w-36 font-mono uppercase"
                aria-label={`Corrected barcode for ${row.barcode}`}
              />
            </label>
            <button type="button" className="btn-primary" disabled={pending || !sync} onClick={resend}>
              Send again
            </button>
            {row.type !== "tape.registered" && (
              <button type="button" className="btn-secondary" disabled={pending || !sync} onClick={registerAndResend}>
                Register cartridge and send again
              </button>
            )}
          </>
        )}
        <button
          type="button"
          className="btn-secondary text-red-700"
          disabled={pending || !sync}
          onClick={() => setDiscarding(true)}
        >
          Discard
        </button>
      </div>
      <ConfirmDialog
        open={discarding}
        title="Discard this event?"
        confirmLabel="Discard"
        danger
        pending={pending}
        error={error}
        onCancel={() => setDiscarding(false)}
        onConfirm={() => {
          if (step && !note.trim()) {
            setError("Say why it is discarded: the note is kept in the audit trail");
            return;
          }
          void run(() => sync!.engine.discard(row.id, note.trim() || "Discarded from the outbox")).then(() =>
            setDiscarding(false),
          );
        }}
      >
        <p>It will never be applied. The discard is recorded in the audit trail with what the event said.</p>
        <label htmlFor={`discard-note-${row.id}`} className="label mt-3">
          Note for the audit trail{step ? "" : " (optional)"}
        </label>
        <textarea
          id={`discard-note-${row.id}`}
          className="input"
          rows={2}
          maxLength={500}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </ConfirmDialog>
    </li>
  );
}

export function OutboxList({ userId }: { userId: string }) {
  const sync = useFieldSync();
  const status = useSyncStatus();
  const rows = useLiveQuery((db) => db.outbox.where("userId").equals(userId).sortBy("seq"), [userId]);

  if (!rows) return <p className="text-sm text-slate-500">Loading…</p>;
  const pending = rows.filter((row) => row.status === "pending");
  const rejected = rows.filter((row) => row.status === "rejected");

  return (
    <div className="space-y-6">
      {status && (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <span data-testid="outbox-waiting">{pending.length} waiting to sync</span>
          <button
            type="button"
            className="btn-secondary"
            disabled={status.syncing || status.offline}
            onClick={() => void sync?.engine.syncNow()}
          >
            {status.syncing ? "Syncing…" : "Sync now"}
          </button>
          {status.lastError && !status.syncing && (
            <span className="text-xs text-slate-500">Last attempt: {status.lastError}</span>
          )}
          {status.waitingOtherUsers > 0 && (
            <div className="text-xs text-slate-500">
              <p>{status.waitingOtherUsers} recorded here by another user wait until they sign in on this device.</p>
              <ul>
                {status.waitingFor.map((author) => (
                  <li key={author.userId} data-testid="waiting-for">
                    {author.count} waiting for {author.name ?? "another user"} to sign in
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}

      <section aria-labelledby="rejected-title">
        <h2 id="rejected-title" className="text-lg font-semibold">
          Needs attention ({rejected.length})
        </h2>
        {rejected.length === 0 ? (
          <p className="card mt-2 p-4 text-sm text-slate-500">Nothing was refused.</p>
        ) : (
          <ul className="card mt-2 divide-y divide-slate-100">
            {rejected.map((row) => (
              <RejectedEvent key={row.id} row={row} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="pending-title">
        <h2 id="pending-title" className="text-lg font-semibold">
          Waiting ({pending.length})
        </h2>
        {pending.length === 0 ? (
          <p className="card mt-2 p-4 text-sm text-slate-500">
            Everything recorded on this device has reached the server.
          </p>
        ) : (
          <ul className="card mt-2 divide-y divide-slate-100 text-sm">
            {pending.map((row) => (
              <li key={row.id} className="p-4" data-testid="pending-event">
                <span className="font-mono font-medium">{subjectOf(row)}</span> · {describe(row)}
                <span className="block text-xs text-slate-500">
                  <Moment value={row.occurredAt} />
                  {row.attempts > 0 && ` · ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
