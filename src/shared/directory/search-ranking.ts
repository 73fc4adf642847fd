/**
 * Keeps the best `limit` results of a search while it streams past, and counts the rest.
 * "Best" is deliberately simple: an item with a key equal to the typed text (its login, UPN, mail
 * or display name) comes before the others, which keep the order the directory gave them.
 */
export class TopMatches<T> {
  private readonly exact: T[] = [];
  private readonly others: T[] = [];
  private total = 0;
  private readonly needle: string;

  constructor(
    private readonly limit: number,
    needle: string,
    private readonly keysOf: (item: T) => readonly (string | undefined)[],
  ) {
    this.needle = needle.toLowerCase();
  }

  /** Offers one more result. */
  add(item: T): void {
    this.total++;
    // Once the exact matches fill the page nothing can change what is shown: only count.
    if (this.exact.length >= this.limit) return;
    const isExact = this.keysOf(item).some((k) => k?.toLowerCase() === this.needle);
    const bucket = isExact ? this.exact : this.others;
    if (bucket.length < this.limit) bucket.push(item);
  }

  /** The kept results, exact matches first, at most `limit`. */
  get items(): T[] {
    return [...this.exact, ...this.others].slice(0, this.limit);
  }

  /** How many results were seen but not kept. */
  get more(): number {
    return this.total - Math.min(this.limit, this.exact.length + this.others.length);
  }
}
