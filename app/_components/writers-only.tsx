"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { Viewer } from "@/lib/users";

/**
 * What a viewer may change, as the UI asks it: "write" is data in Backup Monitor, "administer" is users and
 * settings. Finer capabilities per role join this union; call sites that name none keep meaning "write".
 */
export type Capability = "write" | "administer";

/** What the UI knows of the signed-in user: from the server when online, from the device when offline. */
export type ShellViewer = Pick<Viewer, "id" | "name" | "role" | "backupAccess">;

const ViewerContext = createContext<ShellViewer | null>(null);

/** Makes the signed-in viewer known to `useViewer`, `useCanWrite` and `<WritersOnly>` below it. */
export function ViewerProvider({ viewer, children }: { viewer: ShellViewer; children: ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): ShellViewer | null {
  return useContext(ViewerContext);
}

/** The one rule the UI uses to show or hide what changes data; the server enforces the same on every call. */
export function viewerCan(viewer: ShellViewer | null, capability: Capability): boolean {
  if (!viewer) return false;
  return capability === "administer" ? viewer.role === "admin" : viewer.backupAccess === "write";
}

/** Whether the viewer may change what `capability` covers (by default, data in Backup Monitor). */
export function useCanWrite(capability: Capability = "write"): boolean {
  return viewerCan(useViewer(), capability);
}

/**
 * Shows `children` only to viewers who may change what `capability` covers, and `otherwise` (nothing unless
 * given) to the rest. It only hides what the server refuses anyway: the access check is the server's.
 */
export function WritersOnly({
  capability = "write",
  otherwise = null,
  children,
}: {
  capability?: Capability;
  otherwise?: ReactNode;
  children: ReactNode;
}) {
  return useCanWrite(capability) ? children : otherwise;
}

/** What a viewer with read-only access sees in place of a form. */
export function ReadOnlyNotice({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
      {children}
    </p>
  );
}

/** What a signed-in user who is not an administrator sees on an administration page. */
export function AdminsOnlyNotice({ hint }: { hint: string }) {
  return (
    <div className="card mx-auto max-w-lg p-6" role="alert">
      <h1 className="text-lg font-semibold">Administrators only</h1>
      <p className="mt-2 text-sm text-slate-600">{hint}</p>
    </div>
  );
}
