"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { startAuditSchema, type StartAuditFormValues, type StartAuditInput } from "@/lib/audits";
import { SiteField } from "../../_components/site-field";

const { TextField, TextAreaField } = formFields<StartAuditFormValues>();

/**
 * A new audit: the site, and one shelf or one locker of it or neither (the whole site, which is what makes
 * the site's inventory complete). The cartridges the catalogue places there become its expected list.
 */
export function StartAuditForm({ siteId }: { siteId: string | undefined }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const sites = useQuery(trpc.sites.options.queryOptions());
  const start = useMutation(trpc.audits.start.mutationOptions());
  const form = useZodForm(startAuditSchema, {
    defaultValues: { siteId: siteId ?? "", shelf: "", locker: "", notes: "" },
  });

  async function onSubmit(values: StartAuditInput) {
    const audit = await start.mutateAsync(values);
    void queryClient.invalidateQueries({ queryKey: trpc.audits.pathKey() });
    toast.success(`Audit ${audit.number} started.`);
    router.push(`/backup/audits/${audit.id}`);
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="mt-4 space-y-6" aria-label="Start an audit">
      <div className="card grid gap-4 p-5 sm:grid-cols-2">
        <div className="sm:col-span-2">
          <SiteField<StartAuditFormValues> id="audit-site" name="siteId" label="Site" sites={sites.data} />
        </div>
        <TextField
          id="audit-shelf"
          name="shelf"
          label="Shelf (optional)"
          hint="Only the cartridges on this shelf"
          autoComplete="off"
        />
        <TextField
          id="audit-locker"
          name="locker"
          label="Locker (optional)"
          hint="Or only those in this locker"
          autoComplete="off"
        />
        <p className="text-sm text-slate-600 sm:col-span-2">
          Leave both empty to audit the whole site: only a whole-site audit counts as the site&apos;s inventory.
        </p>
        <div className="sm:col-span-2">
          <TextAreaField id="audit-notes" name="notes" label="Notes" rows={2} />
        </div>
      </div>
      <FormActions submit="Start the audit" pending={start.isPending} onCancel={() => router.back()} />
    </Form>
  );
}
