import type { Metadata } from "next";
import { AdminsOnlyNotice } from "@/app/_components/writers-only";
import { getViewer } from "@/app/_trpc/server";
import { can } from "@/lib/capabilities";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Backup" };

export default async function BackupPage() {
  const viewer = await getViewer();
  if (!can(viewer, "system.administer")) {
    return (
      <AdminsOnlyNotice capability="system.administer" hint="Ask an administrator for a backup of the database." />
    );
  }
  const embedded = env().DATABASE_URL.kind === "pglite";
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold">Backup</h1>
      {embedded ? (
        <section className="card mt-6 p-5">
          <p className="text-sm text-slate-700">
            A copy of the whole database as of the moment you ask, taken while the app keeps running: every change saved
            before it, nothing half done. Phones keep syncing meanwhile; they wait a moment during the copy.
          </p>
          <p className="mt-2 text-sm text-slate-700">
            The file holds password hashes and sign-in sessions: keep it where only administrators can read it. Restore
            it on the server with <code>npm run db:restore &lt;file&gt;</code> while the app is stopped. The audit key (
            <code>AUDIT_KEY</code> or the <code>audit.key</code> file beside the data directory) is not in the backup:
            keep a copy of it apart, or the restored audit log cannot be checked.
          </p>
          <a href="/backup/database" download className="btn-primary mt-4 inline-block">
            Download a backup
          </a>
        </section>
      ) : (
        <section className="card mt-6 p-5">
          <p className="text-sm text-slate-700">
            This server runs on PostgreSQL: back it up with PostgreSQL&apos;s own tools, for example{" "}
            <code>pg_dump --format=custom &quot;$DATABASE_URL&quot; &gt; backup-monitor.dump</code>.
          </p>
        </section>
      )}
    </div>
  );
}
