/**
 * Recurring addresses: the same building or compound calling again about the
 * same family of problem after an earlier call was closed
 * (docs/decisions/0014-hot-spots.md). Two calls are "the same place" when
 * their normalised addresses agree or their positions are within a few
 * metres (geocoding puts one building's calls on one point, while residents
 * write its address many ways).
 */

/**
 * An address reduced to its building or compound: full-width folded,
 * whitespace and punctuation removed, the city and district dropped, and
 * everything after the first building-level token (…号楼, …号院, …栋, …幢, …号)
 * cut — unit, floor and room do not make another place.
 */
export function normaliseAddress(address: string): string {
  let s = address.normalize("NFKC").replace(/[\s,，。.、;；:：()（）\-—_#]/g, "");
  s = s.replace(/^北京市?/, "").replace(/^[\u4e00-\u9fa5]{1,4}区(?=.)/, "");
  s = s.replace(/[零〇一二三四五六七八九十]+(?=号|栋|幢|单元)/g, (n) => String(chineseNumber(n)));
  const building = /^(.*?\d+(?:号楼|号院|栋|幢|号))/.exec(s);
  return building ? building[1]! : s;
}

function chineseNumber(text: string): number {
  const digits: Record<string, number> = {
    零: 0,
    〇: 0,
    一: 1,
    二: 2,
    三: 3,
    四: 4,
    五: 5,
    六: 6,
    七: 7,
    八: 8,
    九: 9,
  };
  if (!text.includes("十")) return Number([...text].map((c) => digits[c] ?? 0).join(""));
  const [tens, ones] = text.split("十");
  return (tens ? (digits[tens] ?? 1) : 1) * 10 + (ones ? (digits[ones] ?? 0) : 0);
}

export interface RecurringTicket {
  id: number;
  address: string;
  family: number;
  /** Projected metres (null when the ticket has no position). */
  x: number | null;
  y: number | null;
  receivedAt: number;
  closedAt: number | null;
}

export interface RecurringRule {
  /** Positions this close are one place. */
  sameplaceM: number;
  /** Calls after an earlier one was closed needed to flag the place. */
  minRepeats: number;
}

export interface RecurringPlace {
  family: number;
  address: string;
  ticketIds: number[];
  /** Calls received after an earlier call of the group had been closed. */
  repeats: number;
}

/** Groups by family, then joins same-address and same-position tickets (union–find). */
export function recurringPlaces(tickets: readonly RecurringTicket[], rule: RecurringRule): RecurringPlace[] {
  const parent = tickets.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const join = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  const byAddress = new Map<string, number>();
  const grid = new Map<string, number[]>();
  const cell = rule.sameplaceM;
  tickets.forEach((t, i) => {
    const key = `${t.family}|${normaliseAddress(t.address)}`;
    const first = byAddress.get(key);
    if (first === undefined) byAddress.set(key, i);
    else join(i, first);
    if (t.x == null || t.y == null) return;
    const cx = Math.floor(t.x / cell);
    const cy = Math.floor(t.y / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of grid.get(`${t.family}|${cx + dx}|${cy + dy}`) ?? []) {
          const o = tickets[j]!;
          if ((o.x! - t.x) ** 2 + (o.y! - t.y) ** 2 <= cell * cell) join(i, j);
        }
      }
    }
    const own = `${t.family}|${cx}|${cy}`;
    grid.set(own, [...(grid.get(own) ?? []), i]);
  });
  const groups = new Map<number, RecurringTicket[]>();
  tickets.forEach((t, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), t]);
  });
  const out: RecurringPlace[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => a.receivedAt - b.receivedAt || a.id - b.id);
    let earliestClosed = Infinity;
    let repeats = 0;
    for (const t of group) {
      if (t.receivedAt > earliestClosed) repeats++;
      if (t.closedAt != null) earliestClosed = Math.min(earliestClosed, t.closedAt);
    }
    if (repeats < rule.minRepeats) continue;
    out.push({
      family: group[0]!.family,
      address: normaliseAddress(group[0]!.address),
      ticketIds: group.map((t) => t.id),
      repeats,
    });
  }
  return out.sort((a, b) => b.repeats - a.repeats || a.ticketIds[0]! - b.ticketIds[0]!);
}
