"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { DetailItem } from "@/app/_components/detail-item";
import { Moment } from "@/app/_components/time-zone";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { resolveMissingSchema } from "@/lib/audits";
import type { AppRouter } from "@/server/root";
import { toast } from "sonner";
import { useAfterStep } from "../../_components/after-step";
import { ReasonDialog } from "../../_components/reason-dialog";
import { BarcodeList, TallyCounts, TallySection } from "../../_components/scan-tally";
import { AuditStateBadge } from "../audit-badges";
import { AuditActions } from "./audit-actions";

type Audit = inferRouterOutputs<AppRouter>["audits"]["get"];
type Line = Audit["expected"][number];

/** How often an open audit's counts are read again, while scanners add to them. */
const LIVE_MS = 4000;

/** A moment and who acted then. */
function When({ at, by }: { at: Date | null; by: string | null }) {
  if (!at) return <>—</>;
  return (
    <>
      <Moment value={at} />
      {by && <span className="block text-xs font-normal text-slate-500">by {by}</span>}
    </>
  );
}

function Note({ children }: { children: ReactNode }) {
  return <span className="text-xs text-slate-600">{children}</span>;
}

/**
 * An audit as it stands: counts read again every few seconds while it is open, then the cartridges by
 * outcome with what can be done about each (register an unknown label, resolve a missing cartridge).
 */
export function AuditDetail({ initial }: { initial: Audit }) {
  const trpc = useTRPC();
  const afterStep = useAfterStep(trpc.audits.pathKey());
  const canRun = useCan("audits.run");
  const canRegister = useCan("catalogue.edit");
  const { data: audit } = useQuery({
    ...trpc.audits.get.queryOptions({ id: initial.id }),
    initialData: initial,
    refetchInterval: (query) => (query.state.data?.state === "open" ? LIVE_MS : false),
  });
  const register = useMutation(trpc.audits.registerUnknown.mutationOptions());
  const resolve = useMutation(trpc.audits.resolveMissing.mutationOptions());
  const [resolving, setResolving] = useState<Line | null>(null);

  const { counts, state } = audit;
  const open = state === "open";
  const place = `${audit.site.name} · ${audit.scope}`;
  const byOutcome = (outcome: Audit["scans"][number]["outcome"]) =>
    audit.scans.filter((scan) => scan.outcome === outcome);
  const misplaced = byOutcome("misplaced");
  const unknown = byOutcome("unknown");
  const unscanned = audit.expected.filter((line) => !line.scanned);
  const present = audit.expected.filter((line) => line.scanned).map((line) => line.barcode);
  const scanOf = new Map(audit.scans.map((scan) => [scan.barcode, scan]));
  const lineOf = new Map(unscanned.map((line) => [line.barcode, line]));

  async function onRegister(barcode: string) {
    try {
      await register.mutateAsync({ auditId: audit.id, nonStandard: false, barcode });
      await afterStep(`${barcode} registered at ${place}.`);
    } catch (error) {
      toast.error(errorMessage(error));
    }
  }

  function unscannedDetail(barcode: string) {
    const line = lineOf.get(barcode)!;
    if (line.resolvedAt)
      return (
        <Note>
          Resolved by {line.resolvedByName}: {line.resolution}
        </Note>
      );
    if (line.incident && canRun)
      return (
        <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={() => setResolving(line)}>
          Resolve<span className="sr-only"> {barcode}</span>
        </button>
      );
    if (line.incident) return <Note>Missing since the corrections</Note>;
    if (state === "closed") return <Note>Marked missing when the corrections are applied</Note>;
    return null;
  }

  return (
    <>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-2xl font-semibold">{audit.number}</h1>
        <AuditStateBadge state={state} />
        {open && (
          <span className="text-xs text-slate-500" data-testid="live-counts">
            Counts update as labels are scanned
          </span>
        )}
      </div>
      <p className="mt-1 text-slate-700">
        <Link href={`/manage/sites/${audit.site.id}`} className="text-brand-700 underline">
          {audit.site.name}
        </Link>{" "}
        · {audit.scope}
      </p>

      <AuditActions
        audit={{ id: audit.id, number: audit.number, state, correctedAt: audit.correctedAt, place, counts }}
      />

      {state === "cancelled" && (
        <div
          role="note"
          className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
        >
          <p className="font-medium">Cancelled by {audit.cancelledByName ?? "someone"}</p>
          <p className="mt-0.5">{audit.cancelReason}</p>
        </div>
      )}

      <dl className="card mt-4 grid grid-cols-2 gap-4 p-5 text-sm sm:grid-cols-4">
        <DetailItem label="Started">
          <When at={audit.startedAt} by={audit.startedByName} />
        </DetailItem>
        <DetailItem label={state === "cancelled" ? "Cancelled" : "Closed"}>
          <When
            at={state === "cancelled" ? audit.cancelledAt : audit.closedAt}
            by={state === "cancelled" ? audit.cancelledByName : audit.closedByName}
          />
        </DetailItem>
        <DetailItem label="Corrections applied">
          <When at={audit.correctedAt} by={audit.correctedByName} />
        </DetailItem>
        <DetailItem label="Notes">
          <span className="whitespace-pre-wrap font-normal">{audit.notes || "—"}</span>
        </DetailItem>
      </dl>

      <div className="mt-6">
        <TallyCounts
          testId="audit-counts"
          counts={[
            ["Expected", counts.expected],
            ["Present", counts.present],
            ["Misplaced", counts.misplaced],
            ["Unknown", counts.unknown],
            [state === "closed" ? "Missing" : "Not scanned", counts.missing],
          ]}
        />
      </div>

      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <TallySection
          id="misplaced"
          title={
            <>
              Misplaced <span className="text-sm font-normal text-slate-500">(found here, recorded elsewhere)</span>
            </>
          }
        >
          <BarcodeList
            name="misplaced"
            barcodes={misplaced.map((scan) => scan.barcode)}
            empty="None found here that the catalogue has elsewhere."
            detail={(barcode) => (
              <Note>
                Where the catalogue has it: {scanOf.get(barcode)?.catalogueLocation}
                {audit.correctedAt && ` · now logged at ${place}`}
              </Note>
            )}
          />
        </TallySection>

        <TallySection
          id="unknown"
          title={
            <>
              Unknown <span className="text-sm font-normal text-slate-500">(labels no cartridge has)</span>
            </>
          }
        >
          <BarcodeList
            name="unknown"
            barcodes={unknown.map((scan) => scan.barcode)}
            empty="Every label scanned is in the catalogue."
            detail={(barcode) =>
              scanOf.get(barcode)?.registered ? (
                <Note>Registered during the audit</Note>
              ) : open && canRegister ? (
                <button
                  type="button"
                  className="btn-secondary px-2 py-1 text-xs"
                  disabled={register.isPending}
                  onClick={() => void onRegister(barcode)}
                >
                  Register<span className="sr-only"> {barcode}</span> here
                </button>
              ) : (
                <Note>Not in the catalogue</Note>
              )
            }
          />
        </TallySection>

        <TallySection
          id="unscanned"
          title={
            state === "closed" ? (
              "Missing"
            ) : (
              <>
                Not scanned <span className="text-sm font-normal text-slate-500">(expected, not scanned yet)</span>
              </>
            )
          }
        >
          <BarcodeList
            name={state === "closed" ? "missing" : "unscanned"}
            barcodes={unscanned.map((line) => line.barcode)}
            empty="Every expected cartridge was scanned."
            detail={unscannedDetail}
          />
        </TallySection>

        <TallySection id="present" title="Present">
          <BarcodeList name="present" barcodes={present} ticked empty="No expected cartridge scanned yet." />
        </TallySection>
      </div>

      <ReasonDialog
        open={resolving !== null}
        title={`Resolve missing ${resolving?.barcode ?? ""}`}
        label="How it was resolved"
        confirmLabel="Resolve"
        rule={resolveMissingSchema.shape.resolution}
        onSubmit={async (resolution) => {
          if (!resolving) return;
          await resolve.mutateAsync({ auditId: audit.id, tapeId: resolving.tapeId, resolution });
          await afterStep(`${resolving.barcode} is resolved.`);
        }}
        onClose={() => setResolving(null)}
      >
        <p>Say where it turned up, or what became of it; the incident ends.</p>
      </ReasonDialog>
    </>
  );
}
