/** What a signed-in user who is not an administrator sees on an administration page. */
export function AdminsOnly({ hint }: { hint: string }) {
  return (
    <div className="card mx-auto max-w-lg p-6" role="alert">
      <h1 className="text-lg font-semibold">Administrators only</h1>
      <p className="mt-2 text-sm text-slate-600">{hint}</p>
    </div>
  );
}
