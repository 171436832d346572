"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

/**
 * The end of a cartridge's life, for a cartridge not destroyed: return it to scratch for reuse once its data
 * has all expired and it is back (`scratchRefusal` says why not yet), or record its destruction.
 */
export function EndOfLifeActions({
  tape,
  scratchRefusal,
}: {
  tape: { id: string; barcode: string };
  scratchRefusal: string | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const canEdit = useCan("catalogue.edit");
  const canDestroy = useCan("destruction.record");
  const [confirming, setConfirming] = useState(false);
  const scratch = useMutation(trpc.tapes.returnToScratch.mutationOptions());

  if (!canEdit && !canDestroy) return <p className="mt-2 text-sm text-slate-500">In service: not destroyed.</p>;
  return (
    <div className="mt-2 space-y-2">
      <div className="flex flex-wrap gap-2">
        {canEdit && (
          <button
            type="button"
            className="btn-secondary"
            disabled={scratchRefusal !== null}
            aria-describedby={scratchRefusal ? "scratch-refusal" : undefined}
            onClick={() => setConfirming(true)}
          >
            Return to scratch
          </button>
        )}
        {canDestroy && (
          <Link
            href={`/backup/destructions/new?barcodes=${encodeURIComponent(tape.barcode)}`}
            className="btn-secondary"
          >
            Record its destruction
          </Link>
        )}
      </div>
      {canEdit && scratchRefusal && (
        <p id="scratch-refusal" className="text-xs text-slate-500">
          Not returnable to scratch: {scratchRefusal}.
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Return ${tape.barcode} to scratch?`}
        confirmLabel="Return to scratch"
        pending={scratch.isPending}
        error={scratch.error ? errorMessage(scratch.error) : null}
        onCancel={() => {
          scratch.reset();
          setConfirming(false);
        }}
        onConfirm={() =>
          scratch.mutate(
            { id: tape.id },
            {
              onSuccess: () => {
                setConfirming(false);
                toast.success(`${tape.barcode} is empty again, ready for reuse.`);
                router.refresh();
              },
            },
          )
        }
      >
        Its data has all expired: it becomes empty, ready to be written again. Its past jobs stay in its history.
      </ConfirmDialog>
    </div>
  );
}
