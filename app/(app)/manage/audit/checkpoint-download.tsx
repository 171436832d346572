"use client";

import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { errorMessage, useTRPCClient } from "@/app/_trpc/client";

/** Saves a file through the browser's download, as a link with a `download` name does. */
function saveFile(name: string, contents: string) {
  const url = URL.createObjectURL(new Blob([contents], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/**
 * A signed copy of the chain head, to keep away from this server. A later check against it proves the log
 * still reaches that entry unchanged, which the chain alone cannot (its newest entries could be deleted
 * together with its head).
 */
export function CheckpointDownload() {
  const client = useTRPCClient();
  const download = useMutation({
    mutationFn: () => client.audit.checkpoint.query(),
    onSuccess: (checkpoint) => {
      saveFile(`audit-checkpoint-${checkpoint.seq}.json`, `${JSON.stringify(checkpoint, null, 2)}\n`);
      toast.success(`Checkpoint of entry #${checkpoint.seq} saved. Keep it somewhere this server cannot change.`);
    },
  });

  return (
    <div className="mt-4 border-t border-slate-200 pt-4">
      <h2 className="text-sm font-semibold">Checkpoints</h2>
      <p className="mt-1 text-sm text-slate-600">
        A checkpoint is a signed copy of the newest entry. Keep it elsewhere (a ticket, a mail, another machine):
        checking against it later shows whether entries up to it were deleted or rewritten.
      </p>
      <button
        type="button"
        className="btn-secondary mt-3"
        onClick={() => download.mutate()}
        disabled={download.isPending}
      >
        {download.isPending ? "Signing…" : "Download checkpoint"}
      </button>
      {download.isError && (
        <p className="mt-2 text-sm text-red-700" role="alert">
          {errorMessage(download.error)}
        </p>
      )}
    </div>
  );
}
