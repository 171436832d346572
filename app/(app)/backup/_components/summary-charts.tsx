"use client";

import { useState, type ReactNode } from "react";
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Slice = { key: string; label: string; value: number; color: string };

/** A small horizontal bar chart of one distribution; the numbers stay readable beside it. */
export function DistributionChart({ title, slices, control }: { title: string; slices: Slice[]; control?: ReactNode }) {
  const total = slices.reduce((sum, slice) => sum + slice.value, 0);
  return (
    <figure className="card p-4">
      <div className="flex items-center justify-between gap-2">
        <figcaption className="text-sm font-semibold">{title}</figcaption>
        {control}
      </div>
      {total === 0 ? (
        <p className="mt-3 text-sm text-slate-500">Nothing to show yet.</p>
      ) : (
        <div
          className="mt-2 h-36"
          role="img"
          aria-label={`${title}: ${slices.map((s) => `${s.label} ${s.value}`).join(", ")}`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={slices} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
              <XAxis type="number" hide allowDecimals={false} />
              <YAxis type="category" dataKey="label" width={130} tickLine={false} axisLine={false} fontSize={12} />
              <Tooltip
                cursor={{ fill: "#f1f5f9" }}
                formatter={(value) => [Number(value).toLocaleString("en"), "Cartridges"]}
              />
              <Bar dataKey="value" radius={[0, 4, 4, 0]} isAnimationActive={false}>
                {slices.map((slice) => (
                  <Cell key={slice.key} fill={slice.color} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <ul className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-slate-600">
        {slices.map((slice) => (
          <li key={slice.key} className="flex items-center justify-between gap-2">
            <span className="flex items-center gap-1.5">
              <span className="inline-block size-2 rounded-full" style={{ background: slice.color }} aria-hidden />
              {slice.label}
            </span>
            <span className="tabular-nums font-medium text-slate-800" data-testid={`count-${slice.key}`}>
              {slice.value.toLocaleString("en")}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** One distribution seen several ways (cartridges by kind of location, or by site), chosen beside its title. */
export function BreakdownChart({ title, views }: { title: string; views: { label: string; slices: Slice[] }[] }) {
  const [shown, setShown] = useState(0);
  return (
    <DistributionChart
      title={title}
      slices={views[shown]?.slices ?? []}
      control={
        <select
          aria-label={`${title}: break down`}
          className="input w-auto py-0.5 text-xs"
          value={shown}
          onChange={(event) => setShown(Number(event.target.value))}
        >
          {views.map((view, index) => (
            <option key={view.label} value={index}>
              {view.label}
            </option>
          ))}
        </select>
      }
    />
  );
}
