import { PsDateTime, PsDouble, PsEnum, isPsObject, timeSpanDisplay } from './ps-values';
import type { PsObject, PsValue } from './ps-values';

/** A property value as the console shows it. */
function display(value: PsValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof PsEnum) return value.name;
  if (value instanceof PsDateTime) return value.toDisplay();
  if (value instanceof PsDouble) return String(value.value);
  if (isPsObject(value)) return 'Ticks' in value ? timeSpanDisplay(value) : '@{…}';
  return String(value);
}

function list(object: PsObject): string {
  const keys = Object.keys(object);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)} : ${display(object[k])}`.trimEnd()).join('\n');
}

function table(objects: PsObject[]): string {
  const keys = Object.keys(objects[0]);
  const rows = objects.map((o) => keys.map((k) => display(o[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join(' ')
      .trimEnd();
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Pipeline output as PowerShell's default formatter writes it: strings and numbers as they are,
 * objects with more than four properties as a list, others as a table.
 */
export function formatOutput(values: PsValue[]): string {
  const parts: string[] = [];
  let objects: PsObject[] = [];
  const flush = () => {
    if (!objects.length) return;
    const wide = Object.keys(objects[0]).length > 4;
    parts.push(`\n${wide ? objects.map(list).join('\n\n') : table(objects)}\n`);
    objects = [];
  };
  for (const value of values) {
    if (isPsObject(value)) objects.push(value);
    else {
      flush();
      parts.push(display(value));
    }
  }
  flush();
  return parts.join('\n');
}
