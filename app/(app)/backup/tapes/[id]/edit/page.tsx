import type { Metadata } from "next";
import { FormPage } from "../../../_components/form-page";
import { loadTape } from "../load-tape";
import { EditTapeForm } from "./edit-tape-form";

export const metadata: Metadata = { title: "Edit cartridge" };

export default async function EditTapePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const tape = await loadTape(id);
  return (
    <FormPage
      back={{ href: `/backup/tapes/${tape.id}`, label: tape.barcode }}
      title={
        <>
          Edit cartridge <span className="font-mono">{tape.barcode}</span>
        </>
      }
      capability="catalogue.edit"
    >
      <EditTapeForm tape={tape} />
    </FormPage>
  );
}
