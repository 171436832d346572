import type { Metadata } from "next";
import { FormPage } from "../../../_components/form-page";
import { JobForm } from "../../_components/job-form";
import { loadJob } from "../load-job";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Edit ${(await loadJob((await params).id)).name}` };
}

export default async function EditJobPage({ params }: Props) {
  const job = await loadJob((await params).id);
  return (
    <FormPage back={{ href: `/backup/jobs/${job.id}`, label: job.name }} title="Edit backup job" capability="jobs.edit">
      <JobForm job={job} />
    </FormPage>
  );
}
