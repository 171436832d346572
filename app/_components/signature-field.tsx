"use client";

import { useEffect, useRef } from "react";
import SignaturePad from "signature_pad";

/** A signature drawn with a finger, pen or mouse; reports a PNG data URL, or null while empty. */
export function SignatureField({
  id,
  label,
  onChange,
  error,
}: {
  id: string;
  label: string;
  onChange: (png: string | null) => void;
  error?: string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const padRef = useRef<SignaturePad | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pad = new SignaturePad(canvas, { penColor: "#0f172a", minWidth: 0.8, maxWidth: 2.4 });
    padRef.current = pad;
    pad.addEventListener("endStroke", () => onChangeRef.current(pad.isEmpty() ? null : pad.toDataURL("image/png")));

    // The canvas backing store must match its CSS size times the pixel ratio, or strokes land off the finger.
    const resize = () => {
      const ratio = Math.max(window.devicePixelRatio || 1, 1);
      const strokes = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d")?.scale(ratio, ratio);
      pad.clear();
      pad.fromData(strokes);
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(canvas);
    return () => {
      observer.disconnect();
      pad.off();
    };
  }, []);

  function clear() {
    padRef.current?.clear();
    onChange(null);
  }

  return (
    <div>
      <div className="flex items-center justify-between">
        <label htmlFor={id} className="label">
          {label}
        </label>
        <button type="button" onClick={clear} className="text-xs text-brand-700 hover:underline">
          Clear
        </button>
      </div>
      <canvas
        id={id}
        ref={canvasRef}
        aria-label={`${label}: draw here`}
        aria-invalid={!!error}
        className="h-40 w-full touch-none rounded-md border border-dashed border-slate-400 bg-white aria-invalid:border-red-500"
      />
      {error ? (
        <p className="mt-1 text-xs text-red-700">{error}</p>
      ) : (
        <p className="mt-1 text-xs text-slate-500">Sign with a finger, pen or mouse.</p>
      )}
    </div>
  );
}
