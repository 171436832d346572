"use client";

import { useState, type FormEvent } from "react";
import { useFieldSync } from "@/app/_client/field-sync";
import { InvalidEventError } from "@/app/_client/invalid-event-error";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { Field, FormError } from "@/app/_components/field-frame";
import { SignatureField } from "@/app/_components/signature-field";
import { SitePicker } from "@/app/_components/site-picker";
import type { SiteOption } from "@/lib/sites";
import { LOCATION_KIND_LABEL, type LOCATION_KINDS, PLACE_FIELDS, type PlaceField } from "@/lib/vocabulary";
import { handOffForBatch, logLocationForBatch } from "./batch-events";

type Kind = (typeof LOCATION_KINDS)[number];
const MOVES: { kind: Kind; label: string }[] = [
  { kind: "in_transit", label: "Picked up" },
  { kind: "off_site", label: "At the vault" },
  { kind: "on_site", label: "Returned" },
];
const LAST_USE_KEY = "backup-monitor:last-location";

type Place = Partial<Record<PlaceField | "siteId", string>>;

/** The place details last used for each kind of move on this device, to prefill the next one. */
function lastUse(kind: Kind): Place {
  try {
    return (JSON.parse(localStorage.getItem(LAST_USE_KEY) ?? "{}") as Record<Kind, Place>)[kind] ?? {};
  } catch {
    return {};
  }
}
function rememberUse(kind: Kind, place: Place) {
  const all = JSON.parse(localStorage.getItem(LAST_USE_KEY) ?? "{}") as Record<string, Place>;
  localStorage.setItem(LAST_USE_KEY, JSON.stringify({ ...all, [kind]: place }));
}

type Props = { barcodes: string[]; onRecorded: (message: string) => void };

export function LogLocationAction({ barcodes, onRecorded }: Props) {
  const sync = useFieldSync();
  const [kind, setKind] = useState<Kind>("in_transit");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [place, setPlace] = useState<Place>(() => (typeof window === "undefined" ? {} : lastUse("in_transit")));
  // The sites the last catalogue pull brought, so the picker works with no signal.
  const sites = useLiveQuery(async (db) => (await db.sites.toArray()).sort((a, b) => a.name.localeCompare(b.name)), []);
  // A remembered site that has since been retired or removed is no longer offered, nor sent.
  const site = kind === "in_transit" ? undefined : sites?.find((candidate) => candidate.id === place.siteId);

  function choose(next: Kind) {
    setKind(next);
    setPlace(lastUse(next));
  }

  /** Picking a site says where the cartridges are: the move follows from its kind. */
  function chooseSite(chosen: SiteOption | null) {
    if (!chosen) {
      setPlace((current) => ({ ...current, siteId: undefined }));
      return;
    }
    if (chosen.kind !== kind) setKind(chosen.kind);
    setPlace((current) => ({
      ...(chosen.kind === kind ? current : lastUse(chosen.kind)),
      siteId: chosen.id,
      custodian: (chosen.kind === kind ? current.custodian : undefined) || chosen.defaultCustodian || undefined,
      serviceProvider:
        (chosen.kind === kind ? current.serviceProvider : undefined) || chosen.serviceProvider || undefined,
    }));
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!sync) return;
    setPending(true);
    setError(null);
    try {
      await logLocationForBatch(sync.engine, {
        barcodes,
        occurredAt: new Date(),
        place: { kind, ...place, siteId: site?.id ?? null },
      });
      rememberUse(kind, { ...place, siteId: site?.id });
      onRecorded(
        `${LOCATION_KIND_LABEL[kind]} logged for ${barcodes.length} cartridge${barcodes.length === 1 ? "" : "s"}.`,
      );
    } catch (caught) {
      setError(
        caught instanceof InvalidEventError ? caught.message : "The location could not be saved on this device.",
      );
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Log location for the batch">
      <FormError message={error} />
      <fieldset>
        <legend className="label">What happened</legend>
        <div className="grid grid-cols-3 gap-2">
          {MOVES.map((move) => (
            <button
              key={move.kind}
              type="button"
              aria-pressed={kind === move.kind}
              onClick={() => choose(move.kind)}
              className="btn-secondary flex-col gap-0 py-2 aria-pressed:border-brand-600 aria-pressed:bg-brand-50 aria-pressed:text-brand-700"
            >
              <span>{move.label}</span>
              <span className="text-xs font-normal text-slate-600">{LOCATION_KIND_LABEL[move.kind]}</span>
            </button>
          ))}
        </div>
      </fieldset>
      {kind !== "in_transit" && (
        <Field id="batch-site" label="Site">
          <SitePicker id="batch-site" sites={sites} value={site?.id} onChange={chooseSite} />
        </Field>
      )}
      <div className="grid grid-cols-2 gap-3">
        {PLACE_FIELDS.map(([name, label]) => (
          <Field key={name} id={`batch-${name}`} label={label}>
            <input
              id={`batch-${name}`}
              className="input"
              value={place[name] ?? ""}
              onChange={(event) => setPlace((current) => ({ ...current, [name]: event.target.value }))}
            />
          </Field>
        ))}
      </div>
      <button type="submit" className="btn-primary w-full" disabled={pending || !sync || barcodes.length === 0}>
        Log location for {barcodes.length} cartridge{barcodes.length === 1 ? "" : "s"}
      </button>
    </form>
  );
}

export function HandOffAction({ barcodes, onRecorded }: Props) {
  const sync = useFieldSync();
  const [signature, setSignature] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!sync) return;
    const form = Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;
    const next: Record<string, string> = {};
    if (!form.fromParty?.trim()) next.fromParty = "Enter who handed the cartridges over";
    if (!form.toParty?.trim()) next.toParty = "Enter who received them";
    if (!form.signerName?.trim()) next.signerName = "Enter the name of the person signing";
    if (!signature) next.signature = "The person receiving the cartridges must sign";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    setPending(true);
    setError(null);
    try {
      await handOffForBatch(sync.engine, {
        barcodes,
        occurredAt: new Date(),
        handoff: {
          fromParty: form.fromParty!,
          toParty: form.toParty!,
          signerName: form.signerName!,
          signature: signature!,
          containerId: form.containerId || undefined,
          sealNumber: form.sealNumber || undefined,
          notes: form.notes || undefined,
        },
      });
      onRecorded(`Hand-off recorded for ${barcodes.length} cartridge${barcodes.length === 1 ? "" : "s"}.`);
    } catch (caught) {
      setError(
        caught instanceof InvalidEventError ? caught.message : "The hand-off could not be saved on this device.",
      );
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Hand-off for the batch">
      <FormError message={error} />
      <div className="grid grid-cols-2 gap-3">
        <Field id="handoff-from" label="From" error={errors.fromParty}>
          <input id="handoff-from" name="fromParty" className="input" />
        </Field>
        <Field id="handoff-to" label="To" error={errors.toParty}>
          <input id="handoff-to" name="toParty" className="input" />
        </Field>
        <Field id="handoff-signer" label="Signer name" error={errors.signerName}>
          <input id="handoff-signer" name="signerName" className="input" autoComplete="name" />
        </Field>
        <Field id="handoff-container" label="Container / case">
          <input id="handoff-container" name="containerId" className="input" />
        </Field>
        <Field id="handoff-seal" label="Tamper-seal number">
          <input id="handoff-seal" name="sealNumber" className="input" />
        </Field>
        <Field id="handoff-notes" label="Notes">
          <input id="handoff-notes" name="notes" className="input" />
        </Field>
      </div>
      <SignatureField
        id="handoff-signature"
        label="Signature (one for the whole batch)"
        onChange={setSignature}
        error={errors.signature}
      />
      <button type="submit" className="btn-primary w-full" disabled={pending || !sync || barcodes.length === 0}>
        Record hand-off for {barcodes.length} cartridge{barcodes.length === 1 ? "" : "s"}
      </button>
    </form>
  );
}
