import type { Metadata } from "next";
import { AdminsOnlyNotice, Can } from "@/app/_components/writers-only";
import { AccessManager } from "./access-manager";

export const metadata: Metadata = { title: "Access" };

export default function AccessPage() {
  return (
    <Can
      capability="users.manage"
      otherwise={
        <AdminsOnlyNotice
          capability="users.manage"
          hint="Ask an administrator if you need to change who can use Backup Monitor."
        />
      }
    >
      <div className="mx-auto max-w-5xl">
        <h1 className="text-2xl font-semibold">Access</h1>
        <p className="mt-1 text-sm text-slate-600">
          Who can sign in, their role, and whether they can change data in Backup Monitor. Administrators always have
          write access; everyone else has write access until you set them to read-only. With write access, staff keep
          the catalogue and jobs, couriers and custodians record locations and hand-offs only. Staff marked as approvers
          approve consignments, as administrators always do.
        </p>
        <AccessManager />
      </div>
    </Can>
  );
}
