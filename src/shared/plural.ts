/** "1 AD user", "3 AD users": a count with its noun, never "user(s)". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
