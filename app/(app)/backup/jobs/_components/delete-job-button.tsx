"use client";

import { useState } from "react";
import { DeleteJobDialog } from "../../_components/delete-job-dialog";

export function DeleteJobButton({ jobId }: { jobId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-danger" onClick={() => setOpen(true)}>
        Delete
      </button>
      <DeleteJobDialog jobId={open ? jobId : null} onClose={() => setOpen(false)} />
    </>
  );
}
