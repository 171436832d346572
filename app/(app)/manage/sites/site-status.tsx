"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { ConfirmDialog } from "@/app/_components/confirm-dialog";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

/** Retires a site, after confirmation, or brings a retired one back. */
export function SiteStatusButton({ site }: { site: { id: string; name: string; active: boolean } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const setActive = useMutation(trpc.sites.setActive.mutationOptions());

  function change(active: boolean) {
    setActive.mutate(
      { id: site.id, active },
      {
        onSuccess: () => {
          toast.success(active ? `${site.name} is active again.` : `${site.name} is retired.`);
          setConfirming(false);
          void queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() });
          router.refresh();
        },
        onError: (error) => toast.error(errorMessage(error)),
      },
    );
  }

  if (!site.active)
    return (
      <button type="button" className="btn-secondary" disabled={setActive.isPending} onClick={() => change(true)}>
        Reactivate {site.name}
      </button>
    );
  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
        Retire {site.name}
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Retire ${site.name}?`}
        confirmLabel="Retire"
        danger
        pending={setActive.isPending}
        onConfirm={() => change(false)}
        onCancel={() => setConfirming(false)}
      >
        No new location can name it; the locations that do keep it, and you can reactivate it later.
      </ConfirmDialog>
    </>
  );
}
