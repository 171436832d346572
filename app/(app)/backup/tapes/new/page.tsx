import type { Metadata } from "next";
import { FormPage } from "../../_components/form-page";
import { RegisterTapeForm } from "./register-tape-form";

export const metadata: Metadata = { title: "Register tape cartridge" };

export default function RegisterTapePage() {
  return (
    <FormPage
      back={{ href: "/backup", label: "Backup Monitor" }}
      title="Register tape cartridge"
      capability="catalogue.edit"
    >
      <RegisterTapeForm />
    </FormPage>
  );
}
