"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { OutboxList } from "@/app/(app)/backup/outbox/outbox-list";
import { AuditScanScreen } from "@/app/(app)/backup/audits/_field/audit-scan-screen";
import { CaseScreen, type CaseStep } from "@/app/(app)/backup/consignments/_field/case-screen";
import { ScanScreen } from "@/app/(app)/backup/scan/scan-screen";
import { deviceUser, type DeviceUser } from "@/app/_client/device-user";
import { AppShell } from "@/app/_components/app-shell";
import { AuthCard } from "@/app/_components/auth-card";

/** The screens that work without a connection, for whoever the device belongs to, by the address asked for. */
function OfflineScreen({ user, pathname }: { user: DeviceUser; pathname: string }) {
  if (pathname === "/backup/scan") return <ScanScreen />;
  const consignmentStep = /^\/backup\/consignments\/([^/]+)\/(dispatch|receive)$/.exec(pathname);
  if (consignmentStep) return <CaseScreen id={consignmentStep[1]!} step={consignmentStep[2] as CaseStep} />;
  const auditScan = /^\/backup\/audits\/([^/]+)\/scan$/.exec(pathname);
  if (auditScan) return <AuditScanScreen id={auditScan[1]!} />;
  if (pathname === "/backup/outbox") {
    return (
      <div className="mx-auto max-w-3xl">
        <h1 className="text-2xl font-semibold">Outbox</h1>
        <div className="mt-6">
          <OutboxList userId={user.id} />
        </div>
      </div>
    );
  }
  return (
    <div className="card mx-auto max-w-md p-6" data-testid="needs-connection">
      <h1 className="text-xl font-semibold">No connection</h1>
      <p className="mt-2 text-sm text-slate-600">
        This page needs the server. Scanning, dispatching and receiving consignments, scanning for audits, and the
        outbox work offline: what you record is sent when the connection is back.
      </p>
      <div className="mt-4 flex flex-wrap gap-2">
        <Link href="/backup/scan" className="btn-primary">
          Scan
        </Link>
        <Link href="/backup/outbox" className="btn-secondary">
          Outbox
        </Link>
        <button type="button" className="btn-secondary" onClick={() => window.location.reload()}>
          Try again
        </button>
      </div>
    </div>
  );
}

export function AppShellOffline() {
  const pathname = usePathname();
  const [user, setUser] = useState<DeviceUser | null | undefined>(undefined);
  useEffect(() => {
    void deviceUser().then(setUser, () => setUser(null));
  }, []);

  if (user === undefined) return <p className="p-6 text-sm text-slate-500">Loading…</p>;
  if (!user) {
    return (
      <AuthCard title="Signed out" intro="Nobody is signed in on this device.">
        <p className="text-sm text-slate-600">Sign in when the device is back online.</p>
        <a href="/sign-in" className="btn-primary mt-4 inline-block">
          Sign in
        </a>
      </AuthCard>
    );
  }
  return (
    <AppShell viewer={user}>
      <OfflineScreen user={user} pathname={pathname} />
    </AppShell>
  );
}
