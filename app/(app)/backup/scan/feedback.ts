let audio: AudioContext | null = null;

/** A short beep and buzz when a cartridge is added, so a courier need not look at the screen. */
export function confirmScan() {
  navigator.vibrate?.(60);
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 1200;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.08);
  } catch {
    // Sound is a courtesy: a browser without audio still shows the tick.
  }
}
