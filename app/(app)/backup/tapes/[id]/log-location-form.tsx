"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useController } from "react-hook-form";
import type { z } from "zod";
import { Field, Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { SitePicker } from "@/app/_components/site-picker";
import { useTRPC } from "@/app/_trpc/client";
import { toDateTimeLocal } from "@/lib/dates";
import type { SiteOption } from "@/lib/sites";
import { logLocationSchema } from "@/lib/tapes";
import { LOCATION_KIND_LABEL, PLACE_FIELDS, type PlaceField } from "@/lib/vocabulary";

// A named site or none: the free-text site is only for what phones recorded before sites had names.
const formSchema = logLocationSchema.omit({ tapeId: true, site: true });
type Values = z.input<typeof formSchema>;
const { TextField, SelectField } = formFields<Values>();
type Previous = Partial<Record<PlaceField | "siteId", string | null>> & { kind: Values["kind"] };

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
  const sites = useQuery(trpc.sites.options.queryOptions());
  const [now] = useState(() => toDateTimeLocal(new Date()));
  const form = useZodForm(formSchema, {
    defaultValues: {
      kind: previous?.kind ?? "on_site",
      siteId: previous?.siteId ?? null,
      occurredAt: now,
      ...Object.fromEntries(PLACE_FIELDS.map(([name]) => [name, previous?.[name] ?? ""])),
    },
  });
  const site = useController({ control: form.control, name: "siteId" });
  const inTransit = form.watch("kind") === "in_transit";

  /** The kind follows from the site; its usual custodian and provider fill fields left empty. */
  function chooseSite(chosen: SiteOption | null) {
    site.field.onChange(chosen?.id ?? null);
    if (!chosen) return;
    form.setValue("kind", chosen.kind);
    if (!form.getValues("custodian") && chosen.defaultCustodian) form.setValue("custodian", chosen.defaultCustodian);
    if (!form.getValues("serviceProvider") && chosen.serviceProvider)
      form.setValue("serviceProvider", chosen.serviceProvider);
  }

  async function onSubmit(values: z.output<typeof formSchema>) {
    await log.mutateAsync({ ...values, siteId: values.kind === "in_transit" ? null : values.siteId, tapeId });
    router.refresh();
    onDone();
  }

  const siteError = site.fieldState.error?.message;
  return (
    <Form form={form} onSubmit={onSubmit} className="space-y-4" aria-label="Log location">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField id="location-kind" name="kind" label="Where" options={LOCATION_KIND_LABEL} />
        <TextField id="location-when" name="occurredAt" label="When" type="datetime-local" />
        {!inTransit && (
          <Field
            id="location-site"
            label="Site"
            error={siteError ?? (sites.isError ? "Could not load the sites" : undefined)}
          >
            <SitePicker
              id="location-site"
              sites={sites.data}
              value={site.field.value}
              onChange={chooseSite}
              invalid={!!siteError}
              describedBy={siteError ? "location-site-error" : undefined}
            />
          </Field>
        )}
        {PLACE_FIELDS.map(([name, label]) => (
          <TextField key={name} id={`location-${name}`} name={name} label={label} />
        ))}
      </div>
      <FormActions submit="Save location" pending={log.isPending} onCancel={onDone} />
    </Form>
  );
}
