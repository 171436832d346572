import { VERIFICATION_LABEL, type Verification } from "@/lib/jobs";

const TONE: Record<Verification, string> = {
  passed: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-800",
  partial: "bg-amber-50 text-amber-800",
  not_verified: "bg-slate-100 text-slate-700",
};

export function VerificationBadge({ result }: { result: Verification }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${TONE[result]}`}>
      {VERIFICATION_LABEL[result]}
    </span>
  );
}
