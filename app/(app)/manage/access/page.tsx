import type { Metadata } from "next";
import { AdminsOnly } from "@/app/_components/admins-only";
import { getViewer } from "@/app/_trpc/server";
import { AccessManager } from "./access-manager";

export const metadata: Metadata = { title: "Access" };

export default async function AccessPage() {
  const viewer = await getViewer();
  if (viewer?.role !== "admin") {
    return <AdminsOnly hint="Ask an administrator if you need to change who can use Backup Monitor." />;
  }
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold">Access</h1>
      <p className="mt-1 text-sm text-slate-600">
        Who can sign in, their role, and whether they can change data in Backup Monitor. Administrators always have
        write access; everyone else has write access until you set them to read-only.
      </p>
      <AccessManager currentUserId={viewer.id} />
    </div>
  );
}
