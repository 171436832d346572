import type { ReactNode } from "react";
import {
  CONSIGNMENT_STATE_LABEL,
  LINE_OUTCOME_LABEL,
  type ConsignmentState,
  type LineOutcome,
} from "@/lib/consignments";

type Tone = "neutral" | "brand" | "good" | "warn" | "bad";
const TONE: Record<Tone, string> = {
  neutral: "bg-slate-100 text-slate-700",
  brand: "bg-brand-50 text-brand-700",
  good: "bg-green-50 text-green-800",
  warn: "bg-amber-50 text-amber-900",
  bad: "bg-red-50 text-red-800",
};

/** A short coloured label beside a consignment or one of its cartridges. */
export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span
      className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${TONE[tone]}`}
      data-testid={testId}
    >
      {children}
    </span>
  );
}

const STATE_TONE: Record<ConsignmentState, Tone> = {
  draft: "neutral",
  awaiting_approval: "warn",
  approved: "brand",
  in_transit: "brand",
  received: "good",
  received_with_discrepancies: "bad",
  cancelled: "neutral",
};

export function StateBadge({ state }: { state: ConsignmentState }) {
  return (
    <Badge tone={STATE_TONE[state]} testId="consignment-state">
      {CONSIGNMENT_STATE_LABEL[state]}
    </Badge>
  );
}

const OUTCOME_TONE: Record<LineOutcome, Tone> = {
  expected: "neutral",
  in_transit: "brand",
  received: "good",
  missing: "bad",
  lost: "bad",
};

/** What one cartridge of a consignment came to, and whether it was on the list at all. */
export function OutcomeBadges({ outcome, unexpected }: { outcome: LineOutcome; unexpected: boolean }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge tone={OUTCOME_TONE[outcome]}>{LINE_OUTCOME_LABEL[outcome]}</Badge>
      {unexpected && <Badge tone="warn">Not on the list</Badge>}
    </span>
  );
}

/** The open problems of a consignment as a list row counts them. */
export type ConsignmentFlagCounts = {
  missing: number;
  lost: number;
  unexpected: number;
  sealIncident: boolean;
  overdue: boolean;
};

/** Missing, lost and unexpected cartridges, a seal discrepancy and a late arrival, each as a badge; nothing when none. */
export function ConsignmentFlags({ flags }: { flags: ConsignmentFlagCounts }) {
  const badges = [
    flags.overdue && (
      <Badge key="overdue" tone="bad">
        Overdue
      </Badge>
    ),
    flags.missing > 0 && (
      <Badge key="missing" tone="bad">
        {flags.missing} missing
      </Badge>
    ),
    flags.lost > 0 && (
      <Badge key="lost" tone="bad">
        {flags.lost} lost
      </Badge>
    ),
    flags.unexpected > 0 && (
      <Badge key="unexpected" tone="warn">
        {flags.unexpected} not on the list
      </Badge>
    ),
    flags.sealIncident && (
      <Badge key="seal" tone="bad">
        Seal
      </Badge>
    ),
  ].filter(Boolean);
  if (badges.length === 0) return <span className="text-slate-500">—</span>;
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="consignment-flags">
      {badges}
    </span>
  );
}
