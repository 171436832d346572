import type { Metadata } from "next";
import { AdminsOnlyNotice } from "@/app/_components/writers-only";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { can } from "@/lib/capabilities";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const viewer = await getViewer();
  if (!can(viewer, "settings.manage")) {
    return <AdminsOnlyNotice capability="settings.manage" hint="Ask an administrator to change a setting." />;
  }
  const settings = await (await serverCaller()).settings.get();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <p className="mt-1 text-sm text-slate-600">
        When cartridges must go off site and when they must come back. Every change is recorded in the audit log.
      </p>
      <SettingsForm settings={settings} />
    </div>
  );
}
