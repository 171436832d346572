import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { JobForm } from "../../_components/job-form";
import { loadJob } from "../load-job";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadJob((await params).id)).name}` };
}

export default async function EditJobPage({ params }: Props) {
  const [job, viewer] = await Promise.all([loadJob((await params).id), getViewer()]);
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={`/backup/jobs/${job.id}`} className="text-sm text-brand-700 hover:underline">
        ← {job.name}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Edit backup job</h1>
      {viewer?.backupAccess === "write" ? (
        <JobForm job={job} />
      ) : (
        <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
          You have read-only access to Backup Monitor, so you cannot edit backup jobs.
        </p>
      )}
    </div>
  );
}
