import type { Metadata } from "next";
import { getViewer } from "@/app/_trpc/server";
import { AccessManager } from "./access-manager";

export const metadata: Metadata = { title: "Access" };

export default async function AccessPage() {
  const viewer = await getViewer();
  if (viewer?.role !== "admin") {
    return (
      <div className="card mx-auto max-w-lg p-6" role="alert">
        <h1 className="text-lg font-semibold">Administrators only</h1>
        <p className="mt-2 text-sm text-slate-600">Ask an administrator if you need to change who can use Backup Monitor.</p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold">Access</h1>
      <p className="mt-1 text-sm text-slate-600">
        Who can sign in, their role, and whether they can change data in Backup Monitor. Administrators always have write
        access; everyone else has write access until you set them to read-only.
      </p>
      <AccessManager currentUserId={viewer.id} />
    </div>
  );
}
