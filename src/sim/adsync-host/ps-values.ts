/**
 * .NET values as PowerShell 7's `ConvertTo-Json` (Newtonsoft.Json underneath) writes them, so the
 * stand-in host prints what a real Entra Connect server prints.
 */

/** A System.Double: written with a decimal point even when whole (`1800.0`), as Newtonsoft does. */
export class PsDouble {
  constructor(readonly value: number) {}
}

/** A .NET enum value: `ConvertTo-Json` writes the number unless `-EnumsAsStrings`. */
export class PsEnum {
  constructor(
    readonly name: string,
    readonly value: number,
  ) {}
}

/** A System.DateTime; `ConvertTo-Json` writes ISO 8601 with up to 7 fraction digits. */
export class PsDateTime {
  constructor(readonly date: Date) {}

  /** `2026-11-25T10:30:00.123Z`: trailing fraction zeros dropped (format `FFFFFFFK`). */
  toJson(): string {
    return this.date.toISOString().replace(/\.?0+Z$/, 'Z');
  }

  /** How the console shows it (`en-US`: `11/25/2026 10:30:00 AM`). */
  toDisplay(): string {
    return this.date.toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '');
  }
}

/** A PowerShell object: ordered properties, as `PSObject.Properties` enumerates them. */
export type PsObject = { [property: string]: PsValue };

/** Anything a cmdlet in the stand-in writes to the pipeline. */
export type PsValue = string | number | boolean | null | PsDouble | PsEnum | PsDateTime | PsObject;

const TICKS_PER_MS = 10_000;

/**
 * A System.TimeSpan as `ConvertTo-Json` serializes it on PowerShell 7.4 (.NET 8): every public
 * property in declaration order, the Total* ones as doubles.
 */
export function timeSpan(milliseconds: number): PsObject {
  const ms = Math.trunc(milliseconds);
  const sign = ms < 0 ? -1 : 1;
  const abs = Math.abs(ms);
  const part = (unit: number, modulo: number) => sign * (Math.floor(abs / unit) % modulo);
  return {
    Ticks: ms * TICKS_PER_MS,
    Days: sign * Math.floor(abs / 86_400_000),
    Hours: part(3_600_000, 24),
    Milliseconds: part(1, 1000),
    Microseconds: 0,
    Nanoseconds: 0,
    Minutes: part(60_000, 60),
    Seconds: part(1000, 60),
    TotalDays: new PsDouble(ms / 86_400_000),
    TotalHours: new PsDouble(ms / 3_600_000),
    TotalMilliseconds: new PsDouble(ms),
    TotalMicroseconds: new PsDouble(ms * 1000),
    TotalNanoseconds: new PsDouble(ms * 1_000_000),
    TotalMinutes: new PsDouble(ms / 60_000),
    TotalSeconds: new PsDouble(ms / 1000),
  };
}

/** How the console shows a TimeSpan: `00:30:00`, `7.00:00:00`. */
export function timeSpanDisplay(span: PsObject): string {
  const two = (n: PsValue) => String(Math.abs(Number(n))).padStart(2, '0');
  const days = Number(span.Days);
  const clock = `${two(span.Hours)}:${two(span.Minutes)}:${two(span.Seconds)}`;
  return days ? `${days}.${clock}` : clock;
}

/** True for a plain PowerShell object (not a scalar or a wrapped .NET value). */
export function isPsObject(value: PsValue): value is PsObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof PsDouble) &&
    !(value instanceof PsEnum) &&
    !(value instanceof PsDateTime)
  );
}
