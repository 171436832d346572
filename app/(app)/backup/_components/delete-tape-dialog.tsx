"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString("en")} ${count === 1 ? one : many}`;

/** Confirms a cartridge delete, naming what goes with it, then lands on the overview with a message. */
export function DeleteTapeDialog({ tapeId, onClose }: { tapeId: string | null; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const preview = useQuery({
    ...trpc.tapes.deletePreview.queryOptions({ id: tapeId ?? "" }),
    enabled: tapeId !== null,
    staleTime: 0,
  });
  const remove = useMutation(trpc.tapes.delete.mutationOptions());

  function confirm() {
    if (!tapeId) return;
    remove.mutate(
      { id: tapeId },
      {
        onSuccess: (result) => {
          // The overview's table keeps its list for a while; it would still show the deleted cartridge.
          void queryClient.invalidateQueries({ queryKey: trpc.tapes.list.pathKey() });
          onClose();
          toast.success(`Cartridge ${result.barcode} deleted.`);
          router.push("/backup");
          router.refresh();
        },
      },
    );
  }

  const data = preview.data;
  return (
    <ConfirmDialog
      open={tapeId !== null}
      title={data ? `Delete cartridge ${data.barcode}?` : "Delete cartridge?"}
      confirmLabel="Delete cartridge"
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
          This removes the cartridge with its {plural(data.locations, "location entry", "location entries")},{" "}
          {plural(data.custodyEvents, "custody event", "custody events")} and{" "}
          {plural(data.jobLinks, "job link", "job links")}. The jobs themselves and the audit trail stay. This cannot be
          undone.
        </p>
      ) : (
        <p>Counting what goes with it…</p>
      )}
    </ConfirmDialog>
  );
}
