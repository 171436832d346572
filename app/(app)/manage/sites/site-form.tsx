"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { SITE_FORM_DEFAULTS, siteSchema, type SiteFormValues, type SiteInput } from "@/lib/sites";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";

const { TextField, TextAreaField, SelectField } = formFields<SiteFormValues>();

type EditedSite = { id: string } & SiteFormValues;

/** Adds a site, or edits `site` when given. */
export function SiteForm({ site, onDone }: { site?: EditedSite; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(siteSchema, {
    defaultValues: site
      ? {
          name: site.name,
          kind: site.kind,
          address: site.address ?? "",
          serviceProvider: site.serviceProvider ?? "",
          defaultCustodian: site.defaultCustodian ?? "",
        }
      : SITE_FORM_DEFAULTS,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
  const create = useMutation(trpc.sites.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.sites.update.mutationOptions({ onSuccess: refresh }));
  const pending = create.isPending || update.isPending;

  async function onSubmit(values: SiteInput) {
    if (site) {
      await update.mutateAsync({ id: site.id, data: values });
      toast.success(`${values.name} saved.`);
    } else {
      const created = await create.mutateAsync(values);
      toast.success(`${created.name} added, label ${created.code}.`);
      form.reset(SITE_FORM_DEFAULTS);
    }
    onDone();
  }

  const prefix = site ? "edit-site" : "new-site";
  return (
    <Form
      form={form}
      onSubmit={onSubmit}
      className="card mt-4 space-y-4 p-5"
      aria-labelledby={`${prefix}-title`}
      header={
        <h2 id={`${prefix}-title`} className="text-base font-semibold">
          {site ? `Edit ${site.name}` : "Add a site"}
        </h2>
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id={`${prefix}-name`} name="name" label="Name" />
        <SelectField id={`${prefix}-kind`} name="kind" label="Kind" options={SITE_KIND_LABEL} />
        <TextField id={`${prefix}-provider`} name="serviceProvider" label="Service provider" />
        <TextField
          id={`${prefix}-custodian`}
          name="defaultCustodian"
          label="Default custodian"
          hint="Filled in when a location names this site"
        />
        <div className="sm:col-span-2">
          <TextAreaField id={`${prefix}-address`} name="address" label="Address" rows={2} />
        </div>
      </div>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : site ? "Save site" : "Add site"}
        </button>
      </div>
    </Form>
  );
}
