"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toDateTimeLocal } from "@/lib/dates";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { logLocationSchema } from "@/lib/tapes";
import { LOCATION_KIND_LABEL, LOCATION_KINDS } from "@/lib/vocabulary";

const TEXT_FIELDS = [
  ["site", "Site"],
  ["shelf", "Shelf"],
  ["locker", "Locker"],
  ["slot", "Slot"],
  ["custodian", "Custodian"],
  ["serviceProvider", "Service provider"],
] as const;

export function LogLocationForm({ tapeId, onDone }: { tapeId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const latest = useQuery(trpc.locations.latestFor.queryOptions({ tapeId }));
  const log = useMutation(trpc.locations.log.mutationOptions());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [now] = useState(() => toDateTimeLocal(new Date()));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const input = { ...form, tapeId, occurredAt: form.occurredAt ? new Date(form.occurredAt) : undefined };
    const parsed = logLocationSchema.safeParse(input);
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) next[String(issue.path[0])] ??= issue.message;
      setErrors(next);
      return;
    }
    setErrors({});
    setFormError(null);
    try {
      await log.mutateAsync(input as Parameters<typeof log.mutateAsync>[0]);
      router.refresh();
      onDone();
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  if (latest.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  const previous = latest.data;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Log location">
      <FormError message={formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="location-kind" label="Where" error={errors.kind}>
          <select id="location-kind" name="kind" className="input" defaultValue={previous?.kind ?? "on_site"}>
            {LOCATION_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {LOCATION_KIND_LABEL[kind]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="location-when" label="When" error={errors.occurredAt}>
          <input id="location-when" name="occurredAt" type="datetime-local" className="input" defaultValue={now} />
        </Field>
        {TEXT_FIELDS.map(([name, label]) => (
          <Field key={name} id={`location-${name}`} label={label} error={errors[name]}>
            <input id={`location-${name}`} name={name} className="input" defaultValue={previous?.[name] ?? ""} />
          </Field>
        ))}
      </div>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={log.isPending}>
          {log.isPending ? "Saving…" : "Save location"}
        </button>
      </div>
    </form>
  );
}
