"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { toast } from "sonner";
import { Form, FormError, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { legacyMappingFormSchema, type LegacyMappingFormValues, type SiteOption } from "@/lib/sites";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";

type LegacyText = inferRouterOutputs<AppRouter>["sites"]["legacyTexts"][number];
const { SelectField } = formFields<LegacyMappingFormValues>();

/**
 * Locations recorded before sites had names carry the site as free text. While any such text names no site,
 * this offers to map each one, to a site of the list or to a new one, in one audited change.
 */
export function LegacySiteMapping() {
  const trpc = useTRPC();
  const texts = useQuery(trpc.sites.legacyTexts.queryOptions());
  const sites = useQuery(trpc.sites.options.queryOptions());
  if (!texts.data || texts.data.length === 0 || !sites.data) return null;
  return <MappingForm texts={texts.data} sites={sites.data} />;
}

function MappingForm({ texts, sites }: { texts: LegacyText[]; sites: SiteOption[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const map = useMutation(trpc.sites.mapLegacy.mutationOptions());
  const form = useZodForm(legacyMappingFormSchema, {
    defaultValues: {
      rows: texts.map((text) => ({ text: text.text, choice: text.sameName?.id ?? "", kind: "off_site" as const })),
    },
  });
  const choices: Record<string, string> = {
    "": "Leave for now",
    new: "A new site with this name",
    ...Object.fromEntries(sites.map((site) => [site.id, `${site.name} (${SITE_KIND_LABEL[site.kind].toLowerCase()})`])),
  };
  const rows = form.watch("rows");

  async function onSubmit(input: Parameters<typeof map.mutateAsync>[0]) {
    const mapped = await map.mutateAsync(input);
    const locations = mapped.reduce((sum, result) => sum + result.locations, 0);
    toast.success(`${locations} location${locations === 1 ? "" : "s"} now name their site.`);
    await queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
  }

  return (
    <Form
      form={form}
      onSubmit={onSubmit}
      className="card mt-6 space-y-4 p-5"
      aria-labelledby="legacy-title"
      header={
        <div className="mb-2">
          <h2 id="legacy-title" className="text-base font-semibold">
            Sites typed as text
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Older locations name their site as typed. Map each text to a site once, and those locations count as at that
            site. The text they recorded is kept.
          </p>
        </div>
      }
    >
      <FormError message={form.formState.errors.rows?.message} />
      <ul className="divide-y divide-slate-100" aria-label="Texts to map">
        {texts.map((text, index) => (
          <li key={text.text} className="grid gap-3 py-3 sm:grid-cols-[1fr_16rem_10rem] sm:items-end">
            <div>
              <p className="font-medium">“{text.text}”</p>
              <p className="text-xs text-slate-500">
                {text.locations} location{text.locations === 1 ? "" : "s"}, {text.current} current
              </p>
            </div>
            <SelectField id={`legacy-${index}-choice`} name={`rows.${index}.choice`} label="Map to" options={choices} />
            {rows[index]?.choice === "new" && (
              <SelectField
                id={`legacy-${index}-kind`}
                name={`rows.${index}.kind`}
                label="Kind"
                options={SITE_KIND_LABEL}
              />
            )}
          </li>
        ))}
      </ul>
      <div className="flex justify-end">
        <button type="submit" className="btn-primary" disabled={map.isPending}>
          {map.isPending ? "Mapping…" : "Map these texts"}
        </button>
      </div>
    </Form>
  );
}
