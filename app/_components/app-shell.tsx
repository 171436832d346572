"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import type { DeviceUser } from "@/app/_client/device-user";
import { FieldSyncProvider } from "@/app/_client/field-sync";
import { onSignOutElsewhere } from "@/app/_client/sign-out";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { SyncIndicator } from "@/app/_components/sync-indicator";
import { ROLE_LABEL } from "@/lib/vocabulary";
import { ViewerProvider } from "@/app/_components/writers-only";
import { can, type Capability } from "@/lib/capabilities";

/** A page shown in the navigation only to those who may use it: `capability` is what the page is for. */
type NavItem = { href: string; label: string; short: string; icon: ReactNode; capability?: Capability };

const tapeIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <rect x="3" y="6" width="18" height="12" rx="2" />
    <circle cx="8.5" cy="12" r="2" />
    <circle cx="15.5" cy="12" r="2" />
  </svg>
);
const scanIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M4 8V5a1 1 0 011-1h3M16 4h3a1 1 0 011 1v3M20 16v3a1 1 0 01-1 1h-3M8 20H5a1 1 0 01-1-1v-3M7 12h10" />
  </svg>
);
const caseIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <rect x="3" y="7" width="18" height="13" rx="2" />
    <path d="M9 7V5a1 1 0 011-1h4a1 1 0 011 1v2M3 12h18M11 12v2h2v-2" />
  </svg>
);
const auditIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <rect x="5" y="4" width="14" height="17" rx="2" />
    <path d="M9 4V3h6v1M8.5 10l1.5 1.5L13 8.5M8.5 16l1.5 1.5 3-3M15 11h1M15 17h1" />
  </svg>
);
const outboxIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M4 13h4l2 3h4l2-3h4M4 13l2-8h12l2 8v6H4v-6zM12 3v7m-3-3l3 3 3-3" />
  </svg>
);
const siteIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M12 21s-7-6.2-7-11.5A7 7 0 0119 9.5C19 14.8 12 21 12 21z" />
    <circle cx="12" cy="9.5" r="2.5" />
  </svg>
);
const keyIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <circle cx="8" cy="15" r="4" />
    <path d="M11 12l8-8m-3 3l2 2m-4 0l2 2" />
  </svg>
);

const shieldIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M12 3l7 3v6c0 4.5-3 7.5-7 9-4-1.5-7-4.5-7-9V6l7-3z" />
    <path d="M9 12l2 2 4-4" />
  </svg>
);

const shredIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <rect x="4" y="4" width="16" height="7" rx="1" />
    <path d="M7 11v9m3.3-9v7m3.4-7v9m3.3-9v7" />
  </svg>
);

const backupIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <ellipse cx="12" cy="6" rx="7" ry="3" />
    <path d="M5 6v6c0 1.7 3.1 3 7 3s7-1.3 7-3V6M12 15v6m-3-3l3 3 3-3" />
  </svg>
);

const settingsIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" />
    <circle cx="16" cy="6" r="2" />
    <circle cx="10" cy="12" r="2" />
    <circle cx="18" cy="18" r="2" />
  </svg>
);

const bellIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M6 16V11a6 6 0 0112 0v5l2 2H4l2-2zM10 20a2 2 0 004 0" />
  </svg>
);

const plugIcon = (
  <svg viewBox="0 0 24 24" aria-hidden className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8">
    <path d="M9 3v5M15 3v5M6 8h12v3a6 6 0 01-12 0V8zM12 17v4" />
  </svg>
);

const NAV: NavItem[] = [
  { href: "/backup", label: "Backup Monitor", short: "Backups", icon: tapeIcon },
  { href: "/backup/scan", label: "Scan", short: "Scan", icon: scanIcon },
  { href: "/backup/consignments", label: "Consignments", short: "Cases", icon: caseIcon },
  { href: "/backup/audits", label: "Audits", short: "Audits", icon: auditIcon },
  { href: "/backup/outbox", label: "Outbox", short: "Outbox", icon: outboxIcon },
  { href: "/backup/destructions", label: "Destructions", short: "Destroyed", icon: shredIcon },
  { href: "/manage/sites", label: "Sites", short: "Sites", icon: siteIcon },
  { href: "/manage/notifications", label: "Notifications", short: "Alerts", icon: bellIcon },
  { href: "/manage/access", label: "Access", short: "Access", icon: keyIcon, capability: "users.manage" },
  { href: "/manage/audit", label: "Audit log", short: "Audit", icon: shieldIcon, capability: "audit.review" },
  {
    href: "/manage/integrations",
    label: "Integrations",
    short: "API",
    icon: plugIcon,
    capability: "integrations.manage",
  },
  { href: "/manage/backup", label: "Backup", short: "Backup", icon: backupIcon, capability: "system.administer" },
  { href: "/manage/settings", label: "Settings", short: "Settings", icon: settingsIcon, capability: "settings.manage" },
];

export function AppShell({ viewer, children }: { viewer: DeviceUser; children: ReactNode }) {
  const pathname = usePathname();
  const items = NAV.filter((item) => !item.capability || can(viewer, item.capability));
  // The most specific item wins: on /backup/scan, "Scan" is current, not "Backup Monitor".
  const activeHref = items
    .map((item) => item.href)
    .filter((href) => pathname === href || pathname.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];
  const isActive = (href: string) => href === activeHref;

  // Signed out in another tab: this one shows nothing more of the user.
  useEffect(() => onSignOutElsewhere(() => window.location.replace("/sign-in")), []);

  return (
    <ViewerProvider viewer={viewer}>
      <FieldSyncProvider user={viewer}>
        <div className="min-h-dvh md:flex">
          <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white md:flex">
            <div className="px-5 py-5 text-base font-semibold text-brand-900">Backup Monitor</div>
            <nav aria-label="Main" className="flex-1 px-3">
              <p className="px-2 pb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Manage</p>
              <ul className="space-y-1">
                {items.map((item) => (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={isActive(item.href) ? "page" : undefined}
                      className="flex items-center gap-3 rounded-md px-2 py-2 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:font-medium aria-[current=page]:text-brand-700"
                    >
                      {item.icon}
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="border-t border-slate-200 p-4">
              <div className="mb-3">
                <SyncIndicator />
              </div>
              <p className="truncate text-sm font-medium" data-testid="viewer-name">
                {viewer.name}
              </p>
              <p className="text-xs text-slate-500" data-testid="viewer-role">
                {ROLE_LABEL[viewer.role]}
                {viewer.backupAccess === "read" && " · read-only"}
              </p>
              <Link
                href="/account"
                aria-current={pathname === "/account" ? "page" : undefined}
                className="btn-secondary mt-3 w-full"
              >
                Account
              </Link>
              <SignOutButton className="btn-secondary mt-2 w-full" />
            </div>
          </aside>

          <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden">
            <div className="flex flex-col gap-1">
              <span className="font-semibold text-brand-900">Backup Monitor</span>
              <SyncIndicator />
            </div>
            <div className="flex items-center gap-3">
              <Link
                href="/account"
                aria-current={pathname === "/account" ? "page" : undefined}
                className="rounded text-right text-xs leading-tight hover:underline"
              >
                <span className="block font-medium">{viewer.name}</span>
                <span className="text-slate-500">{ROLE_LABEL[viewer.role]}</span>
              </Link>
              <SignOutButton className="btn-secondary px-2 py-1 text-xs" />
            </div>
          </header>

          <main className="min-w-0 flex-1 px-4 pb-24 pt-6 md:px-8 md:pb-10">{children}</main>

          <nav
            aria-label="Main (mobile)"
            className="fixed inset-x-0 bottom-0 z-20 border-t border-slate-200 bg-white pb-[env(safe-area-inset-bottom)] md:hidden"
          >
            <ul className="flex">
              {items.map((item) => (
                <li key={item.href} className="flex-1">
                  <Link
                    href={item.href}
                    aria-current={isActive(item.href) ? "page" : undefined}
                    className="flex flex-col items-center gap-0.5 py-2 text-xs text-slate-600 aria-[current=page]:text-brand-700"
                  >
                    {item.icon}
                    {item.short}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        </div>
      </FieldSyncProvider>
    </ViewerProvider>
  );
}
