"use client";

import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate, fromDateInput, toDateInput } from "@/lib/dates";
import { formatBytes } from "@/lib/format";
import {
  bytesToSize,
  createJobSchema,
  expiryFor,
  jobFieldsSchema,
  SIZE_UNITS,
  sizeToBytes,
  VERIFICATION_LABEL,
  VERIFICATIONS,
  type SizeUnit,
  type Verification,
} from "@/lib/jobs";
import { SpanList, type JobDetail, type SpanTape } from "./span-list";
import { TapePicker } from "./tape-picker";

type FieldName = keyof typeof jobFieldsSchema.shape | "tapeIds";
type Errors = Partial<Record<FieldName, string>>;

/** Today's date where the user is, as a date input value. */
function today(): string {
  const now = new Date();
  return toDateInput(new Date(now.getTime() - now.getTimezoneOffset() * 60_000));
}

const parseCount = (text: string) => {
  const digits = text.replace(/[\s,_]/g, "");
  if (digits === "") return 0n;
  return /^\d+$/.test(digits) ? BigInt(digits) : null;
};

/** Logs a new backup job, or edits one when `job` is given: every field and the span of cartridges. */
export function JobForm({ job, defaultTechnician }: { job?: JobDetail; defaultTechnician?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.jobs.create.mutationOptions());
  const update = useMutation(trpc.jobs.update.mutationOptions());
  const pending = create.isPending || update.isPending;
  const initialSize = job ? bytesToSize(job.totalBytes) : { amount: "", unit: "GB" as SizeUnit };

  const [jobDate, setJobDate] = useState(job ? toDateInput(job.jobDate) : today());
  const [retention, setRetention] = useState(job ? String(job.retentionDays) : "");
  const [sizeAmount, setSizeAmount] = useState(initialSize.amount);
  const [sizeUnit, setSizeUnit] = useState<SizeUnit>(initialSize.unit);
  const [tapes, setTapes] = useState<SpanTape[]>(job?.tapes ?? []);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const date = fromDateInput(jobDate);
  const days = retention.trim() === "" ? null : jobFieldsSchema.shape.retentionDays.safeParse(Number(retention));
  const expiry = date && days?.success ? expiryFor(date, days.data) : null;
  const size = sizeAmount.trim() === "" ? null : sizeToBytes(sizeAmount, sizeUnit);

  function addTape(tape: SpanTape) {
    setTapes((current) => (current.some((existing) => existing.id === tape.id) ? current : [...current, tape]));
    setErrors((current) => ({ ...current, tapeIds: undefined }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    const next: Errors = {};
    const totalFiles = parseCount(text("totalFiles"));
    if (totalFiles === null) next.totalFiles = "Total files must be a whole number";
    if (size && !size.ok) next.totalBytes = size.error;
    const input = {
      name: text("name"),
      jobDate: date ?? undefined,
      retentionDays: retention.trim() === "" ? undefined : Number(retention),
      totalFiles: totalFiles ?? 0n,
      totalBytes: size?.ok ? size.bytes : 0n,
      verification: text("verification") as Verification,
      sourceSystem: text("sourceSystem"),
      technician: text("technician"),
      notes: text("notes"),
      tapeIds: tapes.map((tape) => tape.id),
    };
    const result = createJobSchema.safeParse(input);
    if (!result.success) for (const issue of result.error.issues) next[issue.path[0] as FieldName] ??= issue.message;
    setErrors(next);
    setFormError(null);
    if (!result.success || Object.keys(next).length > 0) return;
    const valid = { ...input, jobDate: result.data.jobDate, retentionDays: result.data.retentionDays };
    try {
      const saved = job ? await update.mutateAsync({ ...valid, id: job.id }) : await create.mutateAsync(valid);
      router.push(`/backup/jobs/${saved.id}?saved=${job ? "updated" : "logged"}`);
      router.refresh();
    } catch (error) {
      // A rule about one field (an unknown or destroyed cartridge) is shown at that field.
      const field = error instanceof TRPCClientError ? (error.data?.field as FieldName | undefined) : undefined;
      if (field) setErrors({ [field]: errorMessage(error) });
      else setFormError(errorMessage(error));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card mt-6 space-y-5 p-5 sm:p-6">
      <FormError message={formError} />
      <Field
        id="name"
        label="Job name"
        hint="As the backup software calls it, e.g. Nightly full – file servers."
        error={errors.name}
      >
        <input
          id="name"
          name="name"
          defaultValue={job?.name}
          className="input"
          maxLength={200}
          autoFocus={!job}
          aria-invalid={!!errors.name}
        />
      </Field>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="jobDate" label="Job date" error={errors.jobDate}>
          <input
            id="jobDate"
            type="date"
            value={jobDate}
            onChange={(event) => setJobDate(event.target.value)}
            className="input"
            aria-invalid={!!errors.jobDate}
          />
        </Field>
        <Field id="retentionDays" label="Retention (days)" error={errors.retentionDays}>
          <input
            id="retentionDays"
            inputMode="numeric"
            value={retention}
            onChange={(event) => setRetention(event.target.value)}
            className="input"
            aria-invalid={!!errors.retentionDays}
          />
        </Field>
      </div>
      <p aria-live="polite" className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="expiry-preview">
        {expiry ? (
          <>
            Expires on <strong>{formatCalendarDate(expiry)}</strong>
          </>
        ) : (
          <span className="text-slate-500">The expiry is the job date plus the retention days.</span>
        )}
      </p>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="totalFiles" label="Total files" error={errors.totalFiles}>
          <input
            id="totalFiles"
            name="totalFiles"
            inputMode="numeric"
            defaultValue={job ? job.totalFiles.toString() : ""}
            className="input"
            aria-invalid={!!errors.totalFiles}
          />
        </Field>
        <div>
          <label htmlFor="totalSize" className="label">
            Total size
          </label>
          <div className="flex gap-2">
            <input
              id="totalSize"
              inputMode="decimal"
              value={sizeAmount}
              onChange={(event) => setSizeAmount(event.target.value)}
              className="input"
              aria-invalid={!!errors.totalBytes}
              aria-describedby="totalSize-hint"
            />
            <select
              aria-label="Size unit"
              value={sizeUnit}
              onChange={(event) => setSizeUnit(event.target.value as SizeUnit)}
              className="input w-24"
            >
              {SIZE_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </div>
          <p id="totalSize-hint" className={`mt-1 text-xs ${errors.totalBytes ? "text-red-700" : "text-slate-500"}`}>
            {errors.totalBytes ??
              (size?.ok
                ? `${formatBytes(size.bytes)} (${size.bytes.toLocaleString("en")} bytes)`
                : "Decimal units: 1 TB = 1,000 GB.")}
          </p>
        </div>
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="verification" label="Verification" error={errors.verification}>
          <select
            id="verification"
            name="verification"
            defaultValue={job?.verification ?? "not_verified"}
            className="input"
          >
            {VERIFICATIONS.map((result) => (
              <option key={result} value={result}>
                {VERIFICATION_LABEL[result]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="sourceSystem" label="Source system" error={errors.sourceSystem}>
          <input
            id="sourceSystem"
            name="sourceSystem"
            defaultValue={job?.sourceSystem ?? ""}
            className="input"
            maxLength={200}
          />
        </Field>
      </div>
      <Field id="technician" label="Responsible technician" error={errors.technician}>
        <input
          id="technician"
          name="technician"
          defaultValue={job ? (job.technician ?? "") : defaultTechnician}
          className="input"
          maxLength={120}
        />
      </Field>

      <div>
        <label htmlFor="tapePicker" className="label">
          Cartridges, in spanning order
        </label>
        <TapePicker id="tapePicker" picked={tapes.map((tape) => tape.id)} onPick={addTape} invalid={!!errors.tapeIds} />
        <SpanList tapes={tapes} onChange={setTapes} />
        {errors.tapeIds && <p className="mt-1 text-xs text-red-700">{errors.tapeIds}</p>}
      </div>

      <Field id="notes" label="Notes" error={errors.notes}>
        <textarea id="notes" name="notes" rows={3} defaultValue={job?.notes ?? ""} className="input" maxLength={2000} />
      </Field>

      <div className="flex justify-end gap-2">
        <button
          type="button"
          className="btn-secondary"
          onClick={() => router.push(job ? `/backup/jobs/${job.id}` : "/backup")}
        >
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : job ? "Save changes" : "Log backup job"}
        </button>
      </div>
    </form>
  );
}
