import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_components/auth-card";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage() {
  const { needsSetup } = await (await serverCaller()).setup.status();
  if (needsSetup) redirect("/setup");
  if (await getViewer()) redirect("/backup");
  return (
    <AuthCard title="Sign in" intro="Use the email and password your administrator gave you.">
      <SignInForm />
    </AuthCard>
  );
}
