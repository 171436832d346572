"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useTRPC } from "@/app/_trpc/client";

/**
 * After a step on a record (a consignment, an audit): its notice, then every view of that kind of record
 * (`records`: its router's path key), the history and the page read again.
 */
export function useAfterStep(records: QueryKey) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return async (message: string) => {
    toast.success(message);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: records }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
    router.refresh();
  };
}
