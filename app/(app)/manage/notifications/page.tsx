import type { Metadata } from "next";
import { Moment } from "@/app/_components/time-zone";
import { getViewer, serverCaller } from "@/app/_trpc/server";
import { NotificationsForm } from "./notifications-form";

export const metadata: Metadata = { title: "Notifications" };

/** The signed-in user's own notifications: the daily digest on or off, and how it has gone. */
export default async function NotificationsPage() {
  // The signed-in layout sends anyone without a session to sign in; this page may render beside it.
  if (!(await getViewer())) return null;
  const status = await (await serverCaller()).notifications.get();
  const hour = `${String(status.digestHour).padStart(2, "0")}:00 UTC`;
  return (
    <div className="mx-auto max-w-2xl">
      <h1 className="text-2xl font-semibold">Notifications</h1>
      <p className="mt-1 text-sm text-slate-600">
        A daily e-mail of what needs attention: cartridges to send or bring back, consignments overdue, missing
        cartridges and sites due for an inventory. Nothing is sent on a day when nothing needs attention.
      </p>

      {!status.emailConfigured && (
        <p
          role="status"
          className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="email-not-configured"
        >
          E-mail is not set up on this server, so no digest is sent. An administrator sets the mail server in the
          server&apos;s environment (SMTP_URL or SMTP_HOST, and MAIL_FROM).
        </p>
      )}

      <NotificationsForm dailyDigest={status.dailyDigest} />

      <section aria-labelledby="delivery-title" className="card mt-4 p-5 sm:p-6">
        <h2 id="delivery-title" className="font-semibold">
          Delivery
        </h2>
        <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-6">
          <dt className="text-slate-500">Sent to</dt>
          <dd className="font-medium [overflow-wrap:anywhere]">{status.email}</dd>
          <dt className="text-slate-500">Sent from</dt>
          <dd className="font-medium">{hour} each day</dd>
          <dt className="text-slate-500">Last digest sent</dt>
          <dd className="font-medium" data-testid="last-digest">
            {status.lastSentAt ? <Moment value={status.lastSentAt} /> : "None yet"}
          </dd>
        </dl>
        {status.failing && (
          <p role="status" className="mt-4 text-sm text-red-800" data-testid="digest-failing">
            The last digest could not be sent ({status.failing.attempts}{" "}
            {status.failing.attempts === 1 ? "attempt" : "attempts"}): {status.failing.lastError}
            {status.failing.nextTryAt && (
              <>
                {" "}
                Next try: <Moment value={status.failing.nextTryAt} />.
              </>
            )}
          </p>
        )}
      </section>
    </div>
  );
}
