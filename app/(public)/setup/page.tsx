import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/app/_components/auth-card";
import { serverCaller } from "@/app/_trpc/server";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  const { needsSetup, codeRequired } = await (await serverCaller()).setup.status();
  if (!needsSetup) redirect("/sign-in");
  return (
    <AuthCard
      title="Create the first administrator"
      intro="Backup Monitor has no users yet. The administrator you create here manages everyone else's access."
    >
      <SetupForm codeRequired={codeRequired} />
    </AuthCard>
  );
}
