"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { z } from "zod";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { toDateTimeLocal } from "@/lib/dates";
import { logLocationSchema, PLACE_FIELDS, type PlaceField } from "@/lib/tapes";
import { LOCATION_KIND_LABEL } from "@/lib/vocabulary";

const formSchema = logLocationSchema.omit({ tapeId: true });
type Values = z.input<typeof formSchema>;
const { TextField, SelectField } = formFields<Values>();
type Previous = Partial<Record<PlaceField, string | null>> & { kind: Values["kind"] };

export function LogLocationForm({ tapeId, onDone }: { tapeId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const latest = useQuery(trpc.locations.latestFor.queryOptions({ tapeId }));
  if (latest.isPending) return <p className="text-sm text-slate-500">Loading…</p>;
  return <LocationFields tapeId={tapeId} previous={latest.data ?? null} onDone={onDone} />;
}

/** The form itself, prefilled with the place the cartridge was last logged at. */
function LocationFields({
  tapeId,
  previous,
  onDone,
}: {
  tapeId: string;
  previous: Previous | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const log = useMutation(trpc.locations.log.mutationOptions());
  const [now] = useState(() => toDateTimeLocal(new Date()));
  const form = useZodForm(formSchema, {
    defaultValues: {
      kind: previous?.kind ?? "on_site",
      occurredAt: now,
      ...Object.fromEntries(PLACE_FIELDS.map(([name]) => [name, previous?.[name] ?? ""])),
    },
  });

  async function onSubmit(values: z.output<typeof formSchema>) {
    await log.mutateAsync({ ...values, tapeId });
    router.refresh();
    onDone();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="space-y-4" aria-label="Log location">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField id="location-kind" name="kind" label="Where" options={LOCATION_KIND_LABEL} />
        <TextField id="location-when" name="occurredAt" label="When" type="datetime-local" />
        {PLACE_FIELDS.map(([name, label]) => (
          <TextField key={name} id={`location-${name}`} name={name} label={label} />
        ))}
      </div>
      <FormActions submit="Save location" pending={log.isPending} onCancel={onDone} />
    </Form>
  );
}
