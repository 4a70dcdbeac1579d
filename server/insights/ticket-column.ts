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
}
