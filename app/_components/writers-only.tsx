"use client";

import { createContext, useContext, type ReactNode } from "react";
import { can, refusal, type Capability } from "@/lib/capabilities";
import type { Viewer } from "@/lib/users";

/**
 * What the UI knows of the signed-in user: from the server when online, from the device when offline. It
 * carries all `can()` needs, so the UI asks the same table of capabilities the server checks.
 */
export type ShellViewer = Pick<Viewer, "id" | "name" | "role" | "backupAccess" | "approver">;

const ViewerContext = createContext<ShellViewer | null>(null);

/** Makes the signed-in viewer known to `useViewer`, `useCan` and `<Can>` below it. */
export function ViewerProvider({ viewer, children }: { viewer: ShellViewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): ShellViewer | null {
  return useContext(ViewerContext);
}

/** Whether the viewer may do what `capability` covers (lib/capabilities.ts). */
export function useCan(capability: Capability): boolean {
  return can(useViewer(), capability);
}

/**
 * Shows `children` only to viewers who may do what `capability` covers, and `otherwise` (nothing unless
 * given) to the rest. It only hides what the server refuses anyway: the access check is the server's.
 */
export function Can({
  capability,
  otherwise = null,
  children,
}: {
  capability: Capability;
  otherwise?: ReactNode;
  children: ReactNode;
}) {
  return useCan(capability) ? children : otherwise;
}

/** Why the viewer cannot do what `capability` covers, in the server's own words; null when they can. */
export function useRefusal(capability: Capability): string | null {
  const viewer = useViewer();
  return viewer ? refusal(viewer, capability) : null;
}

/** What a viewer who may not use a form sees in its place: the reason, as the server would give it. */
export function ReadOnlyNotice({ capability }: { capability: Capability }) {
  return (
    <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
      {useRefusal(capability)}.
    </p>
  );
}

/** What a signed-in user sees on an administration page their role may not use, and whom to ask. */
export function AdminsOnlyNotice({ capability, hint }: { capability: Capability; hint: string }) {
  return (
    <div className="card mx-auto max-w-lg p-6" role="alert">
      <h1 className="text-lg font-semibold">Administrators only</h1>
      <p className="mt-2 text-sm text-slate-600">
        {useRefusal(capability)}. {hint}
      </p>
    </div>
  );
}
