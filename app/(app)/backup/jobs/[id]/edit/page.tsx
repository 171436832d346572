import type { Metadata } from "next";
import Link from "next/link";
import { Can, ReadOnlyNotice } from "@/app/_components/writers-only";
import { JobForm } from "../../_components/job-form";
import { loadJob } from "../load-job";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadJob((await params).id)).name}` };
}

export default async function EditJobPage({ params }: Props) {
  const job = await loadJob((await params).id);
  return (
    <div className="mx-auto max-w-2xl">
      <Link href={`/backup/jobs/${job.id}`} className="text-sm text-brand-700 hover:underline">
        ← {job.name}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Edit backup job</h1>
      <Can capability="jobs.edit" otherwise={<ReadOnlyNotice capability="jobs.edit" />}>
        <JobForm job={job} />
      </Can>
    </div>
  );
}
