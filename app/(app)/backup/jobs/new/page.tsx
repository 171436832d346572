import type { Metadata } from "next";
import Link from "next/link";
import { Can, ReadOnlyNotice } from "@/app/_components/writers-only";
import { JobForm } from "../_components/job-form";

export const metadata: Metadata = { title: "Log backup job" };

export default function NewJobPage() {
  return (
    <div className="mx-auto max-w-2xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Log backup job</h1>
      <Can capability="jobs.edit" otherwise={<ReadOnlyNotice capability="jobs.edit" />}>
        <JobForm />
      </Can>
    </div>
  );
}
