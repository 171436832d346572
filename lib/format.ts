const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

/** Decimal units, as tape capacities are quoted (1 TB = 10^12 bytes). */
export function formatBytes(bytes: bigint | number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${UNITS[unit]}`;
}
