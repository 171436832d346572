"use client";

import { useState } from "react";
import { DeleteDialog } from "../../_components/delete-dialog";

export function DeleteJobButton({ jobId }: { jobId: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-danger" onClick={() => setOpen(true)}>
        Delete
      </button>
      <DeleteDialog target={open ? { kind: "job", id: jobId } : null} onClose={() => setOpen(false)} />
    </>
  );
}
