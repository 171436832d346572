"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { RowDeleteButton } from "@/app/_components/data-table";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

/** What is about to be deleted; null while nothing is. */
export type DeleteTarget = { kind: "tape" | "job"; id: string };

const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString("en")} ${count === 1 ? one : many}`;

/**
 * Confirms a delete, first showing what goes with it (asked of the server as the dialog opens), then lands
 * on the overview with a toast. A cartridge's history can be downloaded first: its locations, hand-offs
 * and changes leave with it, except the audit entries.
 */
export function DeleteDialog({ target, onClose }: { target: DeleteTarget | null; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = target?.id ?? "";
  const tapePreview = useQuery({
    ...trpc.tapes.deletePreview.queryOptions({ id }),
    enabled: target?.kind === "tape",
    staleTime: 0,
  });
  const jobPreview = useQuery({
    ...trpc.jobs.deletePreview.queryOptions({ id }),
    enabled: target?.kind === "job",
    staleTime: 0,
  });
  const removeTape = useMutation(trpc.tapes.delete.mutationOptions());
  const removeJob = useMutation(trpc.jobs.delete.mutationOptions());

  function finish(deleted: string) {
    // The overview's tables keep their lists for a while; they would still show what was deleted.
    void queryClient.invalidateQueries({ queryKey: trpc.tapes.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.pathKey() });
    onClose();
    toast.success(`${deleted} deleted.`);
    router.push("/backup");
    router.refresh();
  }

  const tape = tapePreview.data;
  const job = jobPreview.data;
  const dialog: {
    preview: typeof tapePreview | typeof jobPreview;
    remove: typeof removeTape | typeof removeJob;
    title: string;
    confirmLabel: string;
    summary: ReactNode;
    confirm: () => void;
  } =
    target?.kind === "job"
      ? {
          preview: jobPreview,
          remove: removeJob,
          title: job ? `Delete job ${job.name}?` : "Delete backup job?",
          confirmLabel: "Delete job",
          summary: job && (
            <p data-testid="delete-summary">
              This removes the job “{job.name}” and its {plural(job.tapeCount, "tape binding", "tape bindings")}. The
              cartridges themselves remain, and so does the audit trail. This cannot be undone.
            </p>
          ),
          confirm: () => removeJob.mutate({ id }, { onSuccess: (deleted) => finish(`Job ${deleted.name}`) }),
        }
      : {
          preview: tapePreview,
          remove: removeTape,
          title: tape ? `Delete cartridge ${tape.barcode}?` : "Delete cartridge?",
          confirmLabel: "Delete cartridge",
          summary: tape && (
            <>
              <p data-testid="delete-summary">
                This removes the cartridge with its {plural(tape.locations, "location entry", "location entries")},{" "}
                {plural(tape.custodyEvents, "custody event", "custody events")} and{" "}
                {plural(tape.jobLinks, "job link", "job links")}. The jobs themselves and the audit trail stay. This
                cannot be undone.
              </p>
              <p className="mt-3">
                <a href={`/backup/export/history?tape=${id}`} className="text-brand-700 underline" download>
                  Download history (CSV)
                </a>{" "}
                <span className="text-slate-600">to keep its locations, hand-offs and changes.</span>
              </p>
            </>
          ),
          confirm: () => removeTape.mutate({ id }, { onSuccess: (deleted) => finish(`Cartridge ${deleted.barcode}`) }),
        };

  const { preview, remove } = dialog;
  return (
    <ConfirmDialog
      open={target !== null}
      title={dialog.title}
      confirmLabel={dialog.confirmLabel}
      danger
      pending={remove.isPending || preview.isPending}
      error={remove.error ? errorMessage(remove.error) : preview.error ? errorMessage(preview.error) : null}
      onConfirm={dialog.confirm}
      onCancel={() => {
        remove.reset();
        onClose();
      }}
    >
      {dialog.summary ?? <p>Counting what goes with it…</p>}
    </ConfirmDialog>
  );
}

/**
 * A table's delete control on each row, for viewers who may change data (undefined for the rest), and the
 * dialog it opens, to be rendered beside the table.
 */
export function useRowDelete<Row extends { id: string }>(kind: DeleteTarget["kind"], label: (row: Row) => string) {
  const canDelete = useCan(kind === "tape" ? "catalogue.delete" : "jobs.delete");
  const [deleting, setDeleting] = useState<DeleteTarget | null>(null);
  return {
    rowAction: canDelete
      ? (row: Row) => <RowDeleteButton label={label(row)} onClick={() => setDeleting({ kind, id: row.id })} />
      : undefined,
    dialog: <DeleteDialog target={deleting} onClose={() => setDeleting(null)} />,
  };
}
