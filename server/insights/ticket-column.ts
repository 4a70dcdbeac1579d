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

  /** Sets every ticket holding one of these values to 0. */
  clear(values: ReadonlySet<number>) {
    const column = this.values;
    for (let i = 0; i < column.length; i++) if (column[i] !== 0 && values.has(column[i]!)) column[i] = 0;
  }
}
