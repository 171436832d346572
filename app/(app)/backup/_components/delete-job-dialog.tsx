"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

/** Confirms a job delete, naming what goes with it, then lands on the overview with a message. */
export function DeleteJobDialog({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const preview = useQuery({
    ...trpc.jobs.deletePreview.queryOptions({ id: jobId ?? "" }),
    enabled: jobId !== null,
    staleTime: 0,
  });
  const remove = useMutation(trpc.jobs.delete.mutationOptions());

  function confirm() {
    if (!jobId) return;
    remove.mutate(
      { id: jobId },
      {
        onSuccess: (job) => {
          onClose();
          void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() });
          toast.success(`Job ${job.name} deleted.`);
          router.push("/backup");
          router.refresh();
        },
      },
    );
  }

  const data = preview.data;
  return (
    <ConfirmDialog
      open={jobId !== null}
      title={data ? `Delete job ${data.name}?` : "Delete backup job?"}
      confirmLabel="Delete job"
      danger
      pending={remove.isPending || preview.isPending}
      error={remove.error ? errorMessage(remove.error) : preview.error ? errorMessage(preview.error) : null}
      onConfirm={confirm}
      onCancel={() => {
        remove.reset();
        onClose();
      }}
    >
      {data ? (
        <p data-testid="delete-summary">
          This removes the job “{data.name}” and its{" "}
          {data.tapeCount === 1 ? "1 tape binding" : `${data.tapeCount.toLocaleString("en")} tape bindings`}. The
          cartridges themselves remain, and so does the audit trail. This cannot be undone.
        </p>
      ) : (
        <p>Counting what goes with it…</p>
      )}
    </ConfirmDialog>
  );
}
