import { AUDIT_OUTCOME_LABEL, AUDIT_STATE_LABEL, type AuditOutcome, type AuditState } from "@/lib/audits";
import { Badge } from "../_components/consignment-badges";

const STATE_TONE = { open: "brand", closed: "good", cancelled: "neutral" } as const satisfies Record<
  AuditState,
  string
>;

export function AuditStateBadge({ state }: { state: AuditState }) {
  return (
    <Badge tone={STATE_TONE[state]} testId="audit-state">
      {AUDIT_STATE_LABEL[state]}
    </Badge>
  );
}

const OUTCOME_TONE = {
  present: "good",
  misplaced: "warn",
  unknown: "warn",
  missing: "bad",
  not_scanned: "neutral",
} as const satisfies Record<AuditOutcome, string>;

/** What one cartridge or label of an audit came to. */
export function AuditOutcomeBadge({ outcome }: { outcome: AuditOutcome }) {
  return <Badge tone={OUTCOME_TONE[outcome]}>{AUDIT_OUTCOME_LABEL[outcome]}</Badge>;
}
