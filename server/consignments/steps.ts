import type { BackupConsignment, BackupConsignmentTape, BackupSite } from "../../generated/prisma/client";
import {
  isReceived,
  isUnexpected,
  isOpen,
  lineOutcome,
  sealsMatch,
  type ConsignmentState,
  type DispatchInput,
  type ReceiptInput,
} from "../../lib/consignments";
import { receiptRefusal } from "../../lib/capabilities";
import { diffFields, recordAudit, type Changes } from "../audit/service";
import type { CustodyRecord } from "../custody/service";
import type { Tx } from "../db";
import { DomainError, notFound } from "../errors";
import type { LocationRecord } from "../locations/service";
import { sitePlacementProblem, type SiteStanding } from "../sites/service";
import {
  AUDITED_CONSIGNMENT_FIELDS,
  barcodesOf,
  listOf,
  placeAt,
  refuse,
  refuseTaken,
  tapesElsewhere,
  type ConsignmentActor,
  type StepOrigin,
} from "./service";

/**
 * The dispatches and receipts phones push, applied a batch at a time: the batch's consignments are locked
 * together (in id order, after its cartridges, as every writer takes them) and read once with their lines
 * and sites; each step is checked and then folded into what is held, in the order pushed, so a receipt
 * following its case's dispatch in the same batch finds the case in transit; `write` then stores every
 * line and consignment the steps changed, one statement each.
 */

/** What a step leaves for its batch to write with the rest: its cartridges' moves and hand-offs. */
export type StepRows = { moves: LocationRecord[]; handoffs: CustodyRecord[] };

/** The fields a dispatch or receipt fills in. A step never empties one, so a later step keeps what an earlier set. */
type StepFields = Partial<
  Pick<
    BackupConsignment,
    | "state"
    | "dispatchedAt"
    | "dispatchedById"
    | "dispatchedByName"
    | "courierName"
    | "dispatchSignature"
    | "sealNumbers"
    | "dispatchEventId"
    | "sealDiscrepancy"
    | "receivedAt"
    | "receivedById"
    | "receivedByName"
    | "receiverName"
    | "receiptSignature"
    | "receiptEventId"
    | "sealIntact"
    | "receivedSealNumbers"
  >
>;

/** What the steps read of a consignment: their rules, the fields they audit, and what they carry on. */
type HeldConsignment = Pick<
  BackupConsignment,
  | "id"
  | "number"
  | "fromSiteId"
  | "toSiteId"
  | "containerId"
  | "notes"
  | "state"
  | "needsApproval"
  | "dispatchedAt"
  | "dispatchedById"
  | "courierName"
  | "sealNumbers"
  | "receivedAt"
  | "receivedByName"
  | "receiverName"
  | "sealIntact"
  | "receivedSealNumbers"
  | "sealDiscrepancy"
>;

/** A consignment's line, with what `lineOutcome` decides by and the cartridge's label. */
type HeldLine = Pick<
  BackupConsignmentTape,
  "consignmentId" | "tapeId" | "expected" | "scannedOutAt" | "scannedInAt" | "lostAt" | "resolvedAt"
> & { tape: { barcode: string } };

/** The sites a case leaves from and goes to, as the steps' rows and rules use them. */
type SiteFields = Pick<BackupSite, "id" | "name" | "kind" | "active" | "serviceProvider" | "defaultCustodian">;

/** A consignment as the batch's steps have left it so far, with what they changed. */
type Held = {
  consignment: HeldConsignment;
  from: SiteFields;
  to: SiteFields;
  /** By cartridge id. */
  lines: Map<string, HeldLine>;
  fields: StepFields;
  /** Lines the steps scanned (or added), to be written. */
  touched: Set<string>;
  /** Lines the steps added, for cartridges that were not on the list. */
  added: Set<string>;
};

/** A cartridge a step scanned, locked by the batch it came in. */
type ScannedTape = { id: string; barcode: string };

/**
 * The scanned cartridges, in id order, among those the step's batch locked by label (`locked`, barcode to
 * id); a label no cartridge has fails the step with the labels named.
 */
function scannedTapes(locked: ReadonlyMap<string, string>, barcodes: string[]): ScannedTape[] {
  const unknown = barcodes.filter((barcode) => !locked.has(barcode));
  if (unknown.length > 0)
    throw new DomainError(
      "BAD_REQUEST",
      `No cartridge is registered with the label ${listOf(unknown)}: leave ${unknown.length === 1 ? "it" : "them"} out of the case`,
    );
  return barcodes
    .map((barcode) => ({ id: locked.get(barcode)!, barcode }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The one signature for a whole case goes on each cartridge's hand-off: held to the rule every hand-off's is. */
async function refuseSignature(check: SignatureCheck) {
  const problem = await check;
  if (problem) throw new DomainError("BAD_REQUEST", problem, "signature");
}

/**
 * Whether the consignment as it now stands differs from what was planned: a cartridge missing or lost,
 * one that was not on its list, or a seal found broken or with other numbers than at dispatch.
 */
function hasDiscrepancies(
  consignment: Pick<HeldConsignment, "sealIntact" | "sealDiscrepancy">,
  lines: Iterable<HeldLine>,
): boolean {
  const state: ConsignmentState = "received";
  return (
    consignment.sealIntact === false ||
    consignment.sealDiscrepancy !== null ||
    [...lines].some((line) => isUnexpected(line) || lineOutcome(state, line) !== "received")
  );
}

const sealMismatchText = (dispatched: string[], received: string[]) =>
  `The seal numbers at receipt (${received.join(", ") || "none"}) differ from those at dispatch (${dispatched.join(", ")})`;

type RowOrigin = "tapeId" | "occurredAt" | "eventId" | "deviceId";

/**
 * A case's cartridges moved to one place and handed over together, by one event: only the first row can
 * carry the event's id (the rows' event ids are unique).
 */
function caseRows(
  tapes: ScannedTape[],
  origin: StepOrigin,
  place: Omit<LocationRecord["location"], RowOrigin>,
  handoff: Omit<CustodyRecord["handoff"], RowOrigin>,
): StepRows {
  const rowOrigin = (tape: ScannedTape, index: number) => ({
    tapeId: tape.id,
    occurredAt: origin.occurredAt,
    eventId: index === 0 ? origin.eventId : null,
    deviceId: origin.deviceId,
  });
  return {
    moves: tapes.map((tape, index) => ({ barcode: tape.barcode, location: { ...place, ...rowOrigin(tape, index) } })),
    handoffs: tapes.map((tape, index) => ({
      barcode: tape.barcode,
      handoff: { ...handoff, ...rowOrigin(tape, index) },
    })),
  };
}

/** The party a case is handed over by at a site: its usual custodian, else the site itself. */
const partyAt = (site: Pick<BackupSite, "name" | "defaultCustodian">) => site.defaultCustodian ?? site.name;

/** The fields of a consignment's line that `backup_hold_consignments` returns an array of (`lineTapeId`, …). */
type LineColumn = "tapeId" | "scannedOutAt" | "scannedInAt" | "lostAt" | "resolvedAt";

/**
 * A consignment as `backup_hold_consignments` returns it: its sites, and its lines one array per field, with
 * the cartridges of those on the list.
 */
type HeldRow = HeldConsignment & {
  from: SiteFields;
  to: SiteFields;
  lineBarcode: string[];
  lineExpectedTapeId: string[];
} & {
  [F in LineColumn as `line${Capitalize<F>}`]: HeldLine[F][];
};

function heldOfRow(row: HeldRow): Held {
  const {
    from,
    to,
    lineTapeId,
    lineBarcode,
    lineExpectedTapeId,
    lineScannedOutAt,
    lineScannedInAt,
    lineLostAt,
    lineResolvedAt,
    ...consignment
  } = row;
  const expected = new Set(lineExpectedTapeId);
  const lines = new Map(
    lineTapeId.map((tapeId, index): [string, HeldLine] => [
      tapeId,
      {
        consignmentId: consignment.id,
        tapeId,
        expected: expected.has(tapeId),
        scannedOutAt: lineScannedOutAt[index] ?? null,
        scannedInAt: lineScannedInAt[index] ?? null,
        lostAt: lineLostAt[index] ?? null,
        resolvedAt: lineResolvedAt[index] ?? null,
        tape: { barcode: lineBarcode[index]! },
      },
    ]),
  );
  return { consignment, from, to, lines, fields: {}, touched: new Set(), added: new Set() };
}

/**
 * Locks the consignments, in id order, share-locks their destinations as `lockSites` locks a site a location
 * names (a receipt's locations name them), and reads each with both sites and its lines with their labels,
 * once the locks are held: one call (`backup_hold_consignments`) where Prisma's include takes six statements.
 */
async function holdConsignments(tx: Tx, ids: string[]): Promise<Map<string, Held>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<HeldRow[]>`SELECT * FROM backup_hold_consignments(${[...new Set(ids)]}::text[])`;
  return new Map(rows.map((row) => [row.id, heldOfRow(row)]));
}

/**
 * A step's signature check (`signatureProblemOffThread` of its signature), started when its batch began so
 * that the image is inflated while the batch's first statements run.
 */
export type SignatureCheck = Promise<string | null>;

export type ConsignmentSteps = {
  /**
   * A dispatch: every scanned cartridge is logged in transit and handed from the sending site to the
   * courier, on the courier's one signature for the case. Cartridges scanned that were not expected are
   * added as unexpected; expected ones not scanned stay where they are and show as missing. A receipt
   * recorded before this dispatch reached the server keeps its state: the dispatch then only adds what
   * happened at the start. Throws what its rules refuse, before anything of it is kept.
   */
  dispatch(input: DispatchInput, origin: StepOrigin, signature: SignatureCheck): Promise<StepRows>;
  /**
   * A receipt at the destination: the scanned cartridges are logged at the destination site and handed
   * from the courier to the receiver, who signs for the case; the seal is checked against the dispatch's
   * numbers. A second receipt, from another device, is refused with who received it first; a courier
   * receives only a consignment they dispatched. Throws what its rules refuse, before anything is kept.
   */
  receive(input: ReceiptInput, origin: StepOrigin, signature: SignatureCheck): Promise<StepRows>;
  /** Writes the lines and consignments the accepted steps changed. */
  write(): Promise<void>;
  /** The consignments' destinations, share-locked as `lockSites` locks them, for the receipts' locations. */
  destinations: ReadonlyMap<string, SiteStanding>;
};

/**
 * The consignment steps of one batch, for consignments `ids` (every one its events name), their cartridges
 * found among those the batch locked (`locked`, barcode to id). Each accepted step's audit entry is
 * recorded as it is taken.
 */
export async function consignmentSteps(
  tx: Tx,
  actor: ConsignmentActor,
  ids: string[],
  locked: ReadonlyMap<string, string>,
): Promise<ConsignmentSteps> {
  const held = await holdConsignments(tx, ids);

  const heldOf = (id: string) => {
    const found = held.get(id);
    if (!found) throw notFound("The consignment");
    return found;
  };

  /**
   * A cartridge is in one open consignment at a time. The database knows the lines written before this
   * batch, and the held consignments what this batch changed: the lines it added, and the states it left
   * them in.
   */
  async function refuseTapesElsewhere(tapes: ScannedTape[], consignment: Held) {
    if (tapes.length === 0) return;
    const stored = (await tapesElsewhere(tx, tapes, consignment.consignment.id)).filter((row) => {
      const other = held.get(row.id);
      return !other || isOpen(other.consignment.state);
    });
    const ids = new Set(tapes.map((tape) => tape.id));
    const added = [...held.values()].flatMap((other) =>
      other === consignment || !isOpen(other.consignment.state)
        ? []
        : [...other.added]
            .filter((tapeId) => ids.has(tapeId))
            .map((tapeId) => ({ barcode: other.lines.get(tapeId)!.tape.barcode, number: other.consignment.number })),
    );
    refuseTaken([...stored, ...added]);
  }

  /** Marks the cartridges scanned at a step, adding those not on the list as unexpected lines. */
  function markScanned(
    consignment: Held,
    tapes: ScannedTape[],
    scanned: { scannedOutAt: Date } | { scannedInAt: Date },
  ) {
    for (const tape of tapes) {
      const line = consignment.lines.get(tape.id);
      if (!line) consignment.added.add(tape.id);
      consignment.lines.set(tape.id, {
        ...(line ?? {
          consignmentId: consignment.consignment.id,
          tapeId: tape.id,
          expected: false,
          scannedOutAt: null,
          scannedInAt: null,
          lostAt: null,
          resolvedAt: null,
          tape: { barcode: tape.barcode },
        }),
        ...scanned,
      });
      consignment.touched.add(tape.id);
    }
  }

  /** Keeps a step's fields on the held consignment, with its audit entry: the state change and `details`. */
  function recordStep(consignment: Held, action: "dispatch" | "receive", fields: StepFields, details: Changes) {
    const before = consignment.consignment;
    consignment.consignment = { ...before, ...fields };
    consignment.fields = { ...consignment.fields, ...fields };
    recordAudit(tx, {
      entityType: "consignment",
      entityId: before.id,
      action,
      changes: { ...diffFields(before, consignment.consignment, AUDITED_CONSIGNMENT_FIELDS), ...details },
      actor,
    });
  }

  return {
    destinations: new Map([...held.values()].map(({ to }) => [to.id, to])),

    async dispatch(input, origin, signature) {
      await refuseSignature(signature);
      const consignment = heldOf(input.consignmentId);
      const before = consignment.consignment;
      const late = isReceived(before.state) && before.dispatchedAt === null;
      if (!late) refuse("dispatch", before.state);
      const tapes = scannedTapes(locked, input.barcodes);
      const added = tapes.filter((tape) => !consignment.lines.has(tape.id));
      await refuseTapesElsewhere(added, consignment);
      const scanned = new Set(tapes.map((tape) => tape.id));
      const missing = [...consignment.lines.values()]
        .filter((line) => line.expected && !scanned.has(line.tapeId))
        .map((line) => line.tape.barcode);

      markScanned(consignment, tapes, { scannedOutAt: origin.occurredAt });
      // After a late dispatch, whether anything differed from the plan, the dispatch's seals included.
      const mismatch =
        late && input.sealNumbers.length > 0 && !sealsMatch(input.sealNumbers, before.receivedSealNumbers);
      const sealDiscrepancy =
        mismatch && !before.sealDiscrepancy
          ? sealMismatchText(input.sealNumbers, before.receivedSealNumbers)
          : before.sealDiscrepancy;
      const settled: ConsignmentState | null = !late
        ? null
        : hasDiscrepancies({ ...before, sealDiscrepancy }, consignment.lines.values())
          ? "received_with_discrepancies"
          : "received";
      recordStep(
        consignment,
        "dispatch",
        {
          state: settled ?? "in_transit",
          dispatchedAt: origin.occurredAt,
          dispatchedById: actor.id,
          dispatchedByName: actor.name,
          courierName: input.courierName,
          dispatchSignature: input.signature,
          sealNumbers: input.sealNumbers,
          dispatchEventId: origin.eventId,
          sealDiscrepancy,
        },
        {
          sealNumbers: { from: null, to: input.sealNumbers },
          courier: { from: null, to: input.courierName },
          scannedOut: { from: null, to: barcodesOf(tapes) },
          ...(missing.length > 0 && { missing: { from: null, to: missing.sort() } }),
          ...(added.length > 0 && { unexpected: { from: null, to: barcodesOf(added) } }),
          ...(input.notes && { notes: { from: null, to: input.notes } }),
          ...(sealDiscrepancy !== before.sealDiscrepancy && {
            sealDiscrepancy: { from: before.sealDiscrepancy, to: sealDiscrepancy },
          }),
        },
      );

      const from = consignment.from;
      return caseRows(
        tapes,
        origin,
        {
          kind: "in_transit",
          siteId: null,
          site: null,
          shelf: null,
          locker: null,
          slot: null,
          custodian: input.courierName,
          serviceProvider: from.serviceProvider,
        },
        {
          fromParty: partyAt(from),
          toParty: input.courierName,
          signerName: input.courierName,
          signature: input.signature,
          containerId: before.containerId,
          sealNumber: input.sealNumbers.join(", "),
          notes: `Consignment ${before.number} dispatched${input.notes ? `: ${input.notes}` : ""}`,
        },
      );
    },

    async receive(input, origin, signature) {
      await refuseSignature(signature);
      const consignment = heldOf(input.consignmentId);
      const before = consignment.consignment;
      if (before.receivedAt)
        throw new DomainError(
          "CONFLICT",
          `${before.number} was already received by ${before.receivedByName ?? "someone else"}${before.receiverName ? ` (signed by ${before.receiverName})` : ""}; this receipt was not applied`,
        );
      // Received before its dispatch reached the server: the dispatch, applied later, fills in the rest.
      const early = before.state === "approved";
      if (!early) refuse("receive", before.state);
      const refused = receiptRefusal(actor, before.dispatchedById);
      if (refused) throw new DomainError("FORBIDDEN", refused);
      const tapes = scannedTapes(locked, input.barcodes);
      const to = consignment.to;
      const placement = sitePlacementProblem(to, to.kind);
      if (placement) throw new DomainError("CONFLICT", `${before.number} cannot be received: ${placement}`);

      const added = tapes.filter((tape) => !consignment.lines.has(tape.id));
      markScanned(consignment, tapes, { scannedInAt: origin.occurredAt });
      const mismatch = !early && !sealsMatch(before.sealNumbers, input.sealNumbers);
      const sealDiscrepancy =
        [input.sealDiscrepancy, mismatch ? sealMismatchText(before.sealNumbers, input.sealNumbers) : null]
          .filter(Boolean)
          .join(". ") || null;
      const received = { ...before, sealIntact: input.sealIntact, sealDiscrepancy };
      const missing = [...consignment.lines.values()]
        .filter((line) => !line.scannedInAt)
        .map((line) => line.tape.barcode);
      recordStep(
        consignment,
        "receive",
        {
          state: hasDiscrepancies(received, consignment.lines.values()) ? "received_with_discrepancies" : "received",
          receivedAt: origin.occurredAt,
          receivedById: actor.id,
          receivedByName: actor.name,
          receiverName: input.receiverName,
          receiptSignature: input.signature,
          receiptEventId: origin.eventId,
          sealIntact: input.sealIntact,
          receivedSealNumbers: input.sealNumbers,
          sealDiscrepancy,
        },
        {
          sealIntact: { from: null, to: input.sealIntact },
          receivedSealNumbers: { from: null, to: input.sealNumbers },
          ...(sealDiscrepancy && { sealDiscrepancy: { from: null, to: sealDiscrepancy } }),
          receiver: { from: null, to: input.receiverName },
          scannedIn: { from: null, to: barcodesOf(tapes) },
          ...(missing.length > 0 && { missing: { from: null, to: missing.sort() } }),
          ...(added.length > 0 && { unexpected: { from: null, to: barcodesOf(added) } }),
          ...(input.notes && { notes: { from: null, to: input.notes } }),
        },
      );

      return caseRows(tapes, origin, placeAt(to, to.defaultCustodian ?? input.receiverName), {
        fromParty: before.courierName ?? "Courier",
        toParty: input.receiverName,
        signerName: input.receiverName,
        signature: input.signature,
        containerId: before.containerId,
        sealNumber: input.sealNumbers.join(", ") || null,
        notes: `Consignment ${before.number} received${input.notes ? `: ${input.notes}` : ""}`,
      });
    },

    async write() {
      const changed = [...held.values()].filter((consignment) => consignment.fields.state !== undefined);
      const lines = changed.flatMap((consignment) =>
        [...consignment.touched].map((tapeId) => {
          const { consignmentId, expected, scannedOutAt, scannedInAt } = consignment.lines.get(tapeId)!;
          return { consignmentId, tapeId, expected, scannedOutAt, scannedInAt };
        }),
      );
      const fields = changed.map((consignment) => ({ id: consignment.consignment.id, ...consignment.fields }));
      if (fields.length === 0) return;
      // The lines scanned (or added, the unexpected) and the consignments in one statement, each table's rows
      // as one JSON parameter. A field no step of this batch filled in is null here and keeps its value (a
      // step never empties one); a signature is sent only by the step that took it.
      await tx.$executeRaw`
        WITH scanned AS (
          INSERT INTO backup_consignment_tape (consignment_id, tape_id, expected, scanned_out_at, scanned_in_at)
          SELECT "consignmentId", "tapeId", expected, "scannedOutAt", "scannedInAt"
          FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) AS r("consignmentId" text, "tapeId" text,
            expected boolean, "scannedOutAt" timestamp(3), "scannedInAt" timestamp(3))
          ON CONFLICT (consignment_id, tape_id) DO UPDATE
            SET scanned_out_at = excluded.scanned_out_at, scanned_in_at = excluded.scanned_in_at
        )
        UPDATE backup_consignment c SET updated_at = ${new Date()}, state = r.state,
          dispatched_at = coalesce(r."dispatchedAt", c.dispatched_at),
          dispatched_by_id = coalesce(r."dispatchedById", c.dispatched_by_id),
          dispatched_by_name = coalesce(r."dispatchedByName", c.dispatched_by_name),
          courier_name = coalesce(r."courierName", c.courier_name),
          dispatch_signature = coalesce(r."dispatchSignature", c.dispatch_signature),
          seal_numbers = coalesce(r."sealNumbers", c.seal_numbers),
          dispatch_event_id = coalesce(r."dispatchEventId", c.dispatch_event_id),
          seal_discrepancy = coalesce(r."sealDiscrepancy", c.seal_discrepancy),
          received_at = coalesce(r."receivedAt", c.received_at),
          received_by_id = coalesce(r."receivedById", c.received_by_id),
          received_by_name = coalesce(r."receivedByName", c.received_by_name),
          receiver_name = coalesce(r."receiverName", c.receiver_name),
          receipt_signature = coalesce(r."receiptSignature", c.receipt_signature),
          receipt_event_id = coalesce(r."receiptEventId", c.receipt_event_id),
          seal_intact = coalesce(r."sealIntact", c.seal_intact),
          received_seal_numbers = coalesce(r."receivedSealNumbers", c.received_seal_numbers)
        FROM jsonb_to_recordset(${JSON.stringify(fields)}::jsonb) AS r(id text, state "ConsignmentState",
          "dispatchedAt" timestamp(3), "dispatchedById" text, "dispatchedByName" text, "courierName" text,
          "dispatchSignature" text, "sealNumbers" text[], "dispatchEventId" text, "sealDiscrepancy" text,
          "receivedAt" timestamp(3), "receivedById" text, "receivedByName" text, "receiverName" text,
          "receiptSignature" text, "receiptEventId" text, "sealIntact" boolean, "receivedSealNumbers" text[])
        WHERE c.id = r.id`;
    },
  };
}
