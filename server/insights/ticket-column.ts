/**
 * A small number per ticket (0: none) in a typed array indexed by ticket id,
 * which grows with the ids: a Map of a million tickets costs ~10× the memory,
 * and the per-ticket loops over hot spots of 100,000 tickets ~20× the time.
 */
export class TicketColumn {
  private values = new Int32Array(1024);

  get(ticketId: number): number {
    return this.values[ticketId] ?? 0;
  }

  set(ticketId: number, value: number) {
    if (ticketId >= this.values.length) {
      const grown = new Int32Array(Math.max(ticketId + 1, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[ticketId] = value;
  }

  /** The tickets holding `value` (a positive number) that are not among `ticketIds`. */
  others(value: number, ticketIds: ArrayLike<number>): number[] {
    const column = this.values;
    // The given tickets are marked by a flipped sign for the one sequential scan, then restored.
    for (let i = 0; i < ticketIds.length; i++) column[ticketIds[i]!] = -column[ticketIds[i]!]!;
    const out: number[] = [];
    for (let t = 0; t < column.length; t++) if (column[t] === value) out.push(t);
    for (let i = 0; i < ticketIds.length; i++) column[ticketIds[i]!] = -column[ticketIds[i]!]!;
    return out;
  }

  /** Sets every ticket holding one of these values to 0. */
  clear(values: ReadonlySet<number>) {
    clearAll(this.values, this.values.length, values);
  }
}

/** Sets to 0 each of the first `length` entries that holds one of these (positive) values. */
export function clearAll(column: Int32Array, length: number, values: ReadonlySet<number>) {
  // Flags by value instead of a hash lookup per entry: the column has a million.
  let max = 0;
  for (const value of values) max = Math.max(max, value);
  const flags = new Uint8Array(max + 1);
  for (const value of values) flags[value] = 1;
  for (let i = 0; i < length; i++) if (flags[column[i]!] === 1) column[i] = 0;
}
