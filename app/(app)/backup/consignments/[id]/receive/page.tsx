import type { Metadata } from "next";
import { CaseScreen } from "../../_field/case-screen";

export const metadata: Metadata = { title: "Receive consignment" };

/** Also served offline by the app shell: the screen reads the consignment from the device's cache. */
export default async function ReceiveConsignmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CaseScreen id={id} step="receive" />;
}
