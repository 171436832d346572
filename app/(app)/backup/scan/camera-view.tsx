"use client";

import { useEffect, useRef, useState } from "react";
import { GUIDE_BOX, ScannerError, startScanner, type ScannerSession } from "@/app/_client/scanner/scanner";

/**
 * The live camera picture with the target frame; reports each label read once, until `resetKey` changes
 * (a new batch), after which labels still in view are reported again. A non-standard label is reported
 * only when `isRegistered` knows it.
 */
export function CameraView({
  onDetect,
  resetKey,
  isRegistered,
}: {
  onDetect: (barcode: string) => void;
  resetKey: number;
  isRegistered: (barcode: string) => boolean;
}) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const sessionRef = useRef<ScannerSession | null>(null);
  const onDetectRef = useRef(onDetect);
  const isRegisteredRef = useRef(isRegistered);
  const [state, setState] = useState<{ kind: "starting" } | { kind: "running" } | { kind: "error"; message: string }>({
    kind: "starting",
  });

  useEffect(() => {
    onDetectRef.current = onDetect;
    isRegisteredRef.current = isRegistered;
  }, [onDetect, isRegistered]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const controller = new AbortController();
    startScanner(
      video,
      {
        onDetect: (barcode) => onDetectRef.current(barcode),
        onError: (error) => setState({ kind: "error", message: error.message }),
      },
      { signal: controller.signal, isRegistered: (barcode) => isRegisteredRef.current(barcode) },
    ).then(
      (session) => {
        sessionRef.current = session;
        setState({ kind: "running" });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          kind: "error",
          message:
            error instanceof ScannerError ? error.message : "The camera could not be started. Type the label instead.",
        });
      },
    );
    return () => controller.abort();
  }, []);

  useEffect(() => {
    sessionRef.current?.reset();
  }, [resetKey]);

  return (
    <div
      className="relative overflow-hidden rounded-lg bg-slate-900"
      style={{ aspectRatio: "4 / 3" }}
      data-camera={state.kind}
    >
      <video ref={videoRef} className="size-full object-cover" muted playsInline aria-label="Camera" />
      {state.kind !== "error" && (
        <div
          aria-hidden
          className="pointer-events-none absolute rounded-md border-2 border-white/90 shadow-[0_0_0_9999px_rgba(15,23,42,0.45)]"
          // The video fills the element (object-cover), so the decoded crop is this centred box.
          style={{
            left: `${((1 - GUIDE_BOX.widthFraction) / 2) * 100}%`,
            width: `${GUIDE_BOX.widthFraction * 100}%`,
            aspectRatio: String(GUIDE_BOX.aspectRatio),
            top: "50%",
            transform: "translateY(-50%)",
          }}
        />
      )}
      <p
        className="absolute inset-x-0 bottom-0 bg-slate-900/70 px-3 py-2 text-center text-xs text-white"
        role={state.kind === "error" ? "alert" : undefined}
      >
        {state.kind === "starting" && "Starting the camera…"}
        {state.kind === "running" && "Centre the label in the frame, level or tilted up to 30°."}
        {state.kind === "error" && state.message}
      </p>
    </div>
  );
}
