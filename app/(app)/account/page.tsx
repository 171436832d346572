import type { Metadata } from "next";
import { getViewer } from "@/app/_trpc/server";
import { ROLE_LABEL } from "@/lib/vocabulary";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Account" };

/** The signed-in user's own account: who they are to the app, and their password. */
export default async function AccountPage() {
  const viewer = await getViewer();
  // The signed-in layout sends anyone without a session to sign in; this page may render beside it.
  if (!viewer) return null;
  return (
    <div className="mx-auto max-w-2xl">
      <h1 className="text-2xl font-semibold">Account</h1>
      <section aria-label="Your account" className="card mt-6 p-5 sm:p-6">
        <dl className="grid gap-3 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-6">
          <dt className="text-slate-500">Name</dt>
          <dd className="font-medium">{viewer.name}</dd>
          <dt className="text-slate-500">Email</dt>
          <dd className="font-medium [overflow-wrap:anywhere]">{viewer.email}</dd>
          <dt className="text-slate-500">Role</dt>
          <dd className="font-medium">
            {ROLE_LABEL[viewer.role]}
            {viewer.backupAccess === "read" && " · read-only"}
          </dd>
        </dl>
        <p className="mt-4 text-xs text-slate-500">
          An administrator changes names, roles and access in Manage → Access.
        </p>
      </section>
      <ChangePasswordForm />
    </div>
  );
}
