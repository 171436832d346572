"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useController } from "react-hook-form";
import { toast } from "sonner";
import { DataTable, FilterText, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Field, Form, FormActions, FormError, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { createConsignmentSchema, type ConsignmentFormValues, type ConsignmentInput } from "@/lib/consignments";
import { formatCalendarDate } from "@/lib/dates";
import type { SiteOption } from "@/lib/sites";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";
import { TapePicker } from "../jobs/_components/tape-picker";
import { SiteField } from "../_components/site-field";

const { TextField, TextAreaField } = formFields<ConsignmentFormValues>();

/** A cartridge expected in the case, as the form lists it. */
export type PickedTape = { id: string; barcode: string };
type SiteTape = inferRouterOutputs<AppRouter>["tapes"]["list"]["items"][number];

/** The draft being edited, or what a new one starts with (e.g. the rows chosen on a rotation list). */
export type ConsignmentFormStart = {
  id?: string;
  fromSiteId?: string;
  toSiteId?: string;
  containerId?: string | null;
  notes?: string | null;
  tapes: PickedTape[];
};

/**
 * A draft consignment: the sites it leaves from and goes to, its case, and the cartridges expected in it,
 * added by scanning or typing their barcodes or from the cartridges at the site it leaves from.
 */
export function ConsignmentForm({ start }: { start: ConsignmentFormStart }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const sites = useQuery(trpc.sites.options.queryOptions());
  const create = useMutation(trpc.consignments.create.mutationOptions());
  const update = useMutation(trpc.consignments.update.mutationOptions());
  const form = useZodForm(createConsignmentSchema, {
    defaultValues: {
      fromSiteId: start.fromSiteId ?? "",
      toSiteId: start.toSiteId ?? "",
      containerId: start.containerId ?? "",
      notes: start.notes ?? "",
      tapeIds: start.tapes.map((tape) => tape.id),
    },
  });
  const tapeIds = useController({ control: form.control, name: "tapeIds" });
  const [picked, setPicked] = useState<PickedTape[]>(start.tapes);
  const fromSiteId = form.watch("fromSiteId");
  const fromSite = sites.data?.find((site) => site.id === fromSiteId);

  function setTapes(next: PickedTape[]) {
    setPicked(next);
    tapeIds.field.onChange(next.map((tape) => tape.id));
    form.clearErrors("tapeIds");
  }
  const add = (tapes: PickedTape[]) =>
    setTapes([...picked, ...tapes.filter((tape) => !picked.some((known) => known.id === tape.id))]);
  const remove = (ids: string[]) => setTapes(picked.filter((tape) => !ids.includes(tape.id)));

  async function onSubmit(values: ConsignmentInput) {
    const saved = start.id
      ? await update.mutateAsync({ id: start.id, data: values })
      : await create.mutateAsync(values);
    void queryClient.invalidateQueries({ queryKey: trpc.consignments.pathKey() });
    toast.success(start.id ? `${saved.number} saved.` : `${saved.number} created as a draft.`);
    router.push(`/backup/consignments/${saved.id}`);
    router.refresh();
  }

  const tapesError = form.formState.errors.tapeIds;
  const tapesMessage = tapesError?.message ?? tapesError?.root?.message;
  return (
    <>
      <Form
        form={form}
        onSubmit={onSubmit}
        className="mt-4 space-y-6"
        aria-label={start.id ? "Edit consignment" : "New consignment"}
      >
        <div className="card grid gap-4 p-5 sm:grid-cols-2">
          <SiteField<ConsignmentFormValues>
            id="consignment-from"
            name="fromSiteId"
            label="From site"
            sites={sites.data}
          />
          <SiteField<ConsignmentFormValues> id="consignment-to" name="toSiteId" label="To site" sites={sites.data} />
          <TextField id="consignment-case" name="containerId" label="Case" hint="The case or container's own number" />
          <div className="sm:col-span-2">
            <TextAreaField id="consignment-notes" name="notes" label="Notes" rows={2} />
          </div>
        </div>

        <section aria-labelledby="expected-title" className="card space-y-3 p-5">
          <h2 id="expected-title" className="text-base font-semibold">
            Cartridges expected in the case ({picked.length})
          </h2>
          <Field id="consignment-barcode" label="Scan or type a barcode">
            <TapePicker
              id="consignment-barcode"
              picked={picked.map((tape) => tape.id)}
              onPick={(tape) => add([tape])}
              invalid={!!tapesMessage}
              listName="this consignment"
            />
          </Field>
          {tapesMessage && (
            <div id="consignment-tapes-error">
              <FormError message={tapesMessage} />
            </div>
          )}
          {picked.length === 0 ? (
            <p className="text-sm text-slate-500">
              None yet. Scan or type their barcodes, or tick them in the list of cartridges at the site it leaves from,
              below.
            </p>
          ) : (
            <ul className="flex flex-wrap gap-2" aria-label="Expected cartridges" data-testid="expected-tapes">
              {picked.map((tape) => (
                <li key={tape.id} className="flex items-center gap-1 rounded border border-slate-200 py-0.5 pl-2 pr-1">
                  <span className="font-mono text-sm">{tape.barcode}</span>
                  <button
                    type="button"
                    className="rounded px-1.5 text-slate-500 hover:bg-red-50 hover:text-red-700"
                    aria-label={`Remove ${tape.barcode}`}
                    onClick={() => remove([tape.id])}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>

        <FormActions
          submit={start.id ? "Save draft" : "Create draft"}
          pending={create.isPending || update.isPending}
          onCancel={() => router.back()}
        />
      </Form>
      {/* Outside the form: Enter in its search box searches, it does not send the consignment. */}
      {fromSite && (
        <CartridgesAtSite
          site={fromSite}
          picked={picked}
          onAdd={add}
          onRemove={(tapes) => remove(tapes.map((t) => t.id))}
        />
      )}
    </>
  );
}

const SITE_TAPE_COLUMNS: Column<SiteTape>[] = [
  { key: "barcode", header: "Barcode", className: "font-mono font-medium", cell: (tape) => tape.barcode },
  { key: "status", header: "Status", cell: (tape) => TAPE_STATUS_LABEL[tape.status] },
  { key: "expires", header: "Data expires", cell: (tape) => formatCalendarDate(tape.expiresAt) },
];

/** The cartridges at the site the case leaves from, each ticked to expect it in the case. */
function CartridgesAtSite({
  site,
  picked,
  onAdd,
  onRemove,
}: {
  site: SiteOption;
  picked: PickedTape[];
  onAdd: (tapes: PickedTape[]) => void;
  onRemove: (tapes: PickedTape[]) => void;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const paging = useKeysetPages(`${site.id}:${search}`);
  const query = useQuery({
    ...trpc.tapes.list.queryOptions({
      siteId: site.id,
      inService: true,
      search: search.trim() || undefined,
      cursor: paging.cursor,
      limit: 10,
    }),
    placeholderData: keepPreviousData,
  });
  return (
    <DataTable
      title={`Cartridges at ${site.name}`}
      noun="cartridges"
      testId="site-tapes-table"
      pagesLabel={`Pages of cartridges at ${site.name}`}
      columns={SITE_TAPE_COLUMNS}
      query={query}
      paging={paging}
      filters={
        <FilterText
          type="search"
          label={`Search cartridges at ${site.name}`}
          placeholder="Barcode"
          className="lg:col-span-2"
          value={search}
          onChange={setSearch}
        />
      }
      selection={{
        isSelected: (tape) => picked.some((known) => known.id === tape.id),
        onChange: (tapes, on) => (on ? onAdd(tapes) : onRemove(tapes)),
        label: (tape) => `Expect ${tape.barcode}`,
      }}
      empty={search ? "No cartridge at this site matches." : `No cartridge is at ${site.name} now.`}
      card={(tape) => (
        <div>
          <p className="font-mono font-medium">{tape.barcode}</p>
          <p className="text-xs text-slate-500">
            {TAPE_STATUS_LABEL[tape.status]} · data expires {formatCalendarDate(tape.expiresAt)}
          </p>
        </div>
      )}
    />
  );
}
