let audio: AudioContext | null = null;

function beep(frequency: number, seconds: number, vibration: number | number[]) {
  navigator.vibrate?.(vibration);
  try {
    audio ??= new AudioContext();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + seconds);
  } catch {
    // Sound is a courtesy: a browser without audio still shows the tick.
  }
}

export type ScanSound = "confirm" | "warn";

/**
 * What a courier hears and feels for a read, so they need not look at the screen: a short beep and buzz
 * when a cartridge is added; a low, longer tone and a double buzz when the read needs a look (a cartridge
 * the case does not expect).
 */
export function scanFeedback(sound: ScanSound) {
  if (sound === "confirm") beep(1200, 0.08, 60);
  else beep(440, 0.25, [80, 60, 80]);
}
