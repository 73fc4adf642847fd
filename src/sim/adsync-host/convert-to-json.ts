import { PsDateTime, PsDouble, PsEnum, isPsObject } from './ps-values';
import type { PsValue } from './ps-values';

/** The `ConvertTo-Json` switches the stand-in honours (5.1 has no -EnumsAsStrings or -AsArray). */
export interface ConvertToJsonOptions {
  compress: boolean;
  /** Levels of nested objects written as objects; deeper ones become their type name, as in PS. */
  depth: number;
}

/** JavaScriptSerializer writes a whole double without a decimal point (`30`), others in R form. */
function doubleText(value: number): string {
  if (!Number.isFinite(value))
    return `"${value === Infinity ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN'}"`;
  return String(value);
}

function scalar(value: PsValue): string | undefined {
  if (value === null) return 'null';
  if (value instanceof PsDouble) return doubleText(value.value);
  // 5.1 writes an enum as its number, always.
  if (value instanceof PsEnum) return String(value.value);
  if (value instanceof PsDateTime) return value.toJson();
  if (typeof value === 'object') return undefined;
  return JSON.stringify(value);
}

function write(value: PsValue, options: ConvertToJsonOptions, level: number): string {
  const text = scalar(value);
  if (text !== undefined) return text;
  if (!isPsObject(value)) return 'null';
  // Past -Depth, PowerShell writes the object's ToString(); a property bag's is its type name.
  if (level > options.depth) return JSON.stringify('System.Management.Automation.PSCustomObject');
  const entries = Object.entries(value).map(([key, inner]) => {
    const separator = options.compress ? ':' : ': ';
    return `${JSON.stringify(key)}${separator}${write(inner, options, level + 1)}`;
  });
  if (options.compress) return `{${entries.join(',')}}`;
  const pad = '  '.repeat(level + 1);
  return entries.length ? `{\n${pad}${entries.join(`,\n${pad}`)}\n${'  '.repeat(level)}}` : '{}';
}

/**
 * `ConvertTo-Json` over the pipeline's output: nothing for no input, the object itself for one,
 * an array for several (as PowerShell collects pipeline input).
 */
export function convertToJson(values: PsValue[], options: ConvertToJsonOptions): string | undefined {
  if (values.length === 0) return undefined;
  if (values.length === 1) return write(values[0], options, 0);
  const items = values.map((v) => write(v, options, 1));
  if (options.compress) return `[${items.join(',')}]`;
  return `[\n  ${items.join(',\n  ')}\n]`;
}
