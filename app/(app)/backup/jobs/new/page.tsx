import type { Metadata } from "next";
import { FormPage } from "../../_components/form-page";
import { JobForm } from "../_components/job-form";

export const metadata: Metadata = { title: "Log backup job" };

export default function NewJobPage() {
  return (
    <FormPage back={{ href: "/backup", label: "Backup Monitor" }} title="Log backup job" capability="jobs.edit">
      <JobForm />
    </FormPage>
  );
}
