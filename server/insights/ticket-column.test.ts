/** The per-ticket column behind detection's bookkeeping: growth and `others`. */
import { describe, expect, it } from "vitest";
import { TicketColumn } from "./ticket-column";

describe("TicketColumn", () => {
  it("reads 0 for a ticket never set, and grows to any id", () => {
    const column = new TicketColumn();
    expect(column.get(5)).toBe(0);
    column.set(1_000_000, 3);
    expect(column.get(1_000_000)).toBe(3);
    expect(column.get(2_000_000)).toBe(0);
  });

  it("lists the tickets holding a value that are not among the given ones, and leaves the column as it was", () => {
    const column = new TicketColumn();
    for (const [ticket, value] of [
      [1, 7],
      [2, 7],
      [3, 8],
      [4, 7],
      [6, 0],
    ] as const)
      column.set(ticket, value);
    expect(column.others(7, [2, 3, 6, 9])).toEqual([1, 4]);
    expect([1, 2, 3, 4, 6].map((t) => column.get(t))).toEqual([7, 7, 8, 7, 0]);
  });
});
