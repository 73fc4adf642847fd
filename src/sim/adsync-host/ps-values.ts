/**
 * .NET values as Windows PowerShell 5.1's `ConvertTo-Json` (JavaScriptSerializer underneath) writes
 * them, so the stand-in host prints what a real Entra Connect server prints: the relay runs there
 * under Windows PowerShell 5.1, the only PowerShell Microsoft documents for the ADSync module.
 */

/** A System.Double: written as JavaScriptSerializer does, without a decimal point when whole (`1800`). */
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

/**
 * A System.DateTime whose wall-clock reading is `date` in UTC. 5.1's `ConvertTo-Json` writes it as
 * `\/Date(ms)\/`, ms since 1970 UTC; JavaScriptSerializer takes a DateTime of kind Unspecified for
 * local time and shifts it by the server's UTC offset on the way (hence the relay's script that
 * sets the kind to Utc before it formats the time).
 */
export class PsDateTime {
  constructor(
    readonly date: Date,
    /** `Unspecified` is shifted by {@link utcOffsetMinutes} when serialised; `Utc` is not. */
    readonly kind: 'Utc' | 'Unspecified' = 'Utc',
    /** The sync server's offset from UTC (e.g. 60 for Central European Time in winter). */
    readonly utcOffsetMinutes = 0,
  ) {}

  /** Milliseconds since 1970 UTC as JavaScriptSerializer computes them. */
  serializedMs(): number {
    const shift = this.kind === 'Unspecified' ? this.utcOffsetMinutes * 60_000 : 0;
    return this.date.getTime() - shift;
  }

  /** The JSON text 5.1 writes, quotes included: `"\/Date(1764066600123)\/"`. */
  toJson(): string {
    return `"\\/Date(${this.serializedMs()})\\/"`;
  }

  /** `[DateTime]::SpecifyKind(value, kind)`: the same reading, another kind. */
  withKind(kind: 'Utc' | 'Unspecified'): PsDateTime {
    return new PsDateTime(this.date, kind, this.utcOffsetMinutes);
  }

  /** `.ToString('o')`: round-trip ISO 8601 with 7 fraction digits; `Z` only for kind Utc. */
  toRoundTrip(): string {
    const iso = this.date.toISOString().replace(/Z$/, '0000');
    return this.kind === 'Utc' ? `${iso}Z` : iso;
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
 * A System.TimeSpan as 5.1's `ConvertTo-Json` serializes it (.NET Framework 4.x: no Microseconds or
 * Nanoseconds, which .NET 7 added): every public property in declaration order, Total* as doubles.
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
    Minutes: part(60_000, 60),
    Seconds: part(1000, 60),
    TotalDays: new PsDouble(ms / 86_400_000),
    TotalHours: new PsDouble(ms / 3_600_000),
    TotalMilliseconds: new PsDouble(ms),
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
