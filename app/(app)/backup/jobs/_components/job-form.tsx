"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useWatch } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate, fromDateInput, toDateInput, toDateTimeLocal } from "@/lib/dates";
import { formatBytes } from "@/lib/format";
import {
  bytesToSize,
  createJobSchema,
  expiryFor,
  jobFieldsSchema,
  SIZE_UNITS,
  sizeToBytes,
  spanSchema,
  VERIFICATION_LABEL,
} from "@/lib/jobs";
import { useViewer } from "@/app/_components/writers-only";
import { SpanList, type JobDetail, type SpanTape } from "./span-list";
import { TapePicker } from "./tape-picker";

/** Counts may be typed with thousands separators; anything else is left for the schema to refuse. */
function countFromText(typed: unknown): unknown {
  const digits = String(typed).replace(/[\s,_]/g, "");
  if (digits === "") return 0n;
  return /^\d+$/.test(digits) ? BigInt(digits) : typed;
}

/** What the form holds (text as typed, the span as cartridges), parsed into what creating a job takes. */
const formSchema = createJobSchema.extend({
  retentionDays: z.preprocess(
    (typed) => (String(typed).trim() === "" ? undefined : Number(typed)),
    jobFieldsSchema.shape.retentionDays,
  ),
  totalFiles: z.preprocess(countFromText, jobFieldsSchema.shape.totalFiles),
  totalBytes: z
    .object({ amount: z.string(), unit: z.enum(SIZE_UNITS) })
    .transform(({ amount, unit }, ctx) => {
      if (amount.trim() === "") return 0n;
      const size = sizeToBytes(amount, unit);
      if (size.ok) return size.bytes;
      ctx.addIssue({ code: "custom", message: size.error });
      return z.NEVER;
    })
    .pipe(jobFieldsSchema.shape.totalBytes.unwrap()),
  tapeIds: z
    .array(z.object({ id: z.string(), barcode: z.string(), status: z.string() }))
    .transform((tapes) => tapes.map((tape) => tape.id))
    .pipe(spanSchema),
});
type Values = z.input<typeof formSchema>;
const { TextField, TextAreaField, SelectField } = formFields<Values>();

/** Today's date where the user is, as a date input value. */
function today(): string {
  return toDateTimeLocal(new Date()).slice(0, 10);
}

/** Logs a new backup job, or edits one when `job` is given: every field and the span of cartridges. */
export function JobForm({ job }: { job?: JobDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const viewer = useViewer();
  const create = useMutation(trpc.jobs.create.mutationOptions());
  const update = useMutation(trpc.jobs.update.mutationOptions());
  const pending = create.isPending || update.isPending;
  const form = useZodForm(formSchema, {
    defaultValues: {
      name: job?.name ?? "",
      jobDate: job ? toDateInput(job.jobDate) : today(),
      retentionDays: job ? String(job.retentionDays) : "",
      totalFiles: job ? job.totalFiles.toString() : "",
      totalBytes: job ? bytesToSize(job.totalBytes) : { amount: "", unit: "GB" },
      verification: job?.verification ?? "not_verified",
      sourceSystem: job?.sourceSystem ?? "",
      technician: job ? (job.technician ?? "") : viewer?.name,
      notes: job?.notes ?? "",
      tapeIds: job?.tapes ?? [],
    },
  });
  const { errors } = form.formState;
  const [jobDate, retention, size, tapes] = useWatch({
    control: form.control,
    name: ["jobDate", "retentionDays", "totalBytes", "tapeIds"],
  }) as [string, string, { amount: string; unit: (typeof SIZE_UNITS)[number] }, SpanTape[]];

  const date = fromDateInput(jobDate);
  const days = retention.trim() === "" ? null : jobFieldsSchema.shape.retentionDays.safeParse(Number(retention));
  const expiry = date && days?.success ? expiryFor(date, days.data) : null;
  const bytes = size.amount.trim() === "" ? null : sizeToBytes(size.amount, size.unit);

  function setTapes(next: SpanTape[]) {
    form.setValue("tapeIds", next, { shouldValidate: form.formState.isSubmitted });
  }

  async function onSubmit(values: z.output<typeof formSchema>) {
    const saved = job ? await update.mutateAsync({ ...values, id: job.id }) : await create.mutateAsync(values);
    toast.success(job ? "Changes saved." : "Backup job logged.");
    router.push(`/backup/jobs/${saved.id}`);
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-6 space-y-5 p-5 sm:p-6">
      <TextField
        name="name"
        label="Job name"
        hint="As the backup software calls it, e.g. Nightly full – file servers."
        maxLength={200}
        autoFocus={!job}
      />

      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="jobDate" label="Job date" type="date" />
        <TextField name="retentionDays" label="Retention (days)" inputMode="numeric" />
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
        <TextField name="totalFiles" label="Total files" inputMode="numeric" />
        <div>
          <label htmlFor="totalSize" className="label">
            Total size
          </label>
          <div className="flex gap-2">
            <input
              id="totalSize"
              inputMode="decimal"
              className="input"
              aria-invalid={!!errors.totalBytes}
              aria-describedby="totalSize-hint"
              {...form.register("totalBytes.amount")}
            />
            <select aria-label="Size unit" className="input w-24" {...form.register("totalBytes.unit")}>
              {SIZE_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </div>
          <p id="totalSize-hint" className={`mt-1 text-xs ${errors.totalBytes ? "text-red-700" : "text-slate-500"}`}>
            {errors.totalBytes?.message ??
              (bytes?.ok
                ? `${formatBytes(bytes.bytes)} (${bytes.bytes.toLocaleString("en")} bytes)`
                : "Decimal units: 1 TB = 1,000 GB.")}
          </p>
        </div>
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField name="verification" label="Verification" options={VERIFICATION_LABEL} />
        <TextField name="sourceSystem" label="Source system" maxLength={200} />
      </div>
      <TextField name="technician" label="Responsible technician" maxLength={120} />

      <div>
        <label htmlFor="tapePicker" className="label">
          Cartridges, in spanning order
        </label>
        <TapePicker
          id="tapePicker"
          picked={tapes.map((tape) => tape.id)}
          onPick={(tape) => {
            // Read now, not from this render: a scanner can pick several cartridges before the next one.
            const current = form.getValues("tapeIds") as SpanTape[];
            if (!current.some((existing) => existing.id === tape.id)) setTapes([...current, tape]);
          }}
          invalid={!!errors.tapeIds}
        />
        <SpanList tapes={tapes} onChange={setTapes} />
        {errors.tapeIds && <p className="mt-1 text-xs text-red-700">{errors.tapeIds.message}</p>}
      </div>

      <TextAreaField name="notes" label="Notes" rows={3} maxLength={2000} />

      <FormActions
        submit={job ? "Save changes" : "Log backup job"}
        pending={pending}
        onCancel={() => router.push(job ? `/backup/jobs/${job.id}` : "/backup")}
      />
    </Form>
  );
}
