/** The `p`th percentile of `values` (nearest rank). */
export function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A duration for the tables: milliseconds below 10 s, seconds above. */
export const fmt = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;

/** Bytes in MB. */
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A table row: name, p50, p95, min, max. */
export function statRow(name: string, values: number[]): string {
  return `| ${name} | ${fmt(pct(values, 50))} | ${fmt(pct(values, 95))} | ${fmt(Math.min(...values))} | ${fmt(Math.max(...values))} |`;
}
