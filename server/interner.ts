/**
 * Strings (place codes) as small numbers and back, 0 standing for none: a
 * column of a million tickets then holds an Int32 each instead of a string.
 */
export class Interner {
  /** Each number's string; 0 is "", which stands for none. */
  readonly strings: string[] = [""];
  private readonly numbers = new Map<string, number>([["", 0]]);

  numberOf(value: string | null): number {
    if (!value) return 0;
    let n = this.numbers.get(value);
    if (n === undefined) {
      n = this.strings.length;
      this.strings.push(value);
      this.numbers.set(value, n);
    }
    return n;
  }
}
