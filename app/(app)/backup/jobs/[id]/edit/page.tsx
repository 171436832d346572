import type { Metadata } from "next";
import Link from "next/link";
import { ReadOnlyNotice, WritersOnly } from "@/app/_components/writers-only";
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
      <WritersOnly
        otherwise={
          <ReadOnlyNotice>You have read-only access to Backup Monitor, so you cannot edit backup jobs.</ReadOnlyNotice>
        }
      >
        <JobForm job={job} />
      </WritersOnly>
    </div>
  );
}
