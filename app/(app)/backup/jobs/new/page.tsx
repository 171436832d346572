import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { JobForm } from "../_components/job-form";

export const metadata: Metadata = { title: "Log backup job" };

export default async function NewJobPage() {
  const viewer = await getViewer();
  return (
    <div className="mx-auto max-w-2xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Log backup job</h1>
      {viewer?.backupAccess === "write" ? (
        <JobForm defaultTechnician={viewer.name} />
      ) : (
        <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
          You have read-only access to Backup Monitor, so you cannot log backup jobs.
        </p>
      )}
    </div>
  );
}
