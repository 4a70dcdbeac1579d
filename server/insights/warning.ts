/**
 * The 预警约谈 rule (DOMAIN.md, Acting before the call; docs/decisions/0018),
 * pure so it is tested on constructed rankings: a street whose monthly ticket
 * volume ranks in the city's top N and that is not on the governance-type
 * streets list gets a warning interview.
 */

export interface VolumeRow {
  code: string;
  volume: number;
}

export interface RankedStreet extends VolumeRow {
  /** Competition rank (1, 2, 2, 4 …): streets with the same volume share it; null with no ticket. */
  rank: number | null;
}

/**
 * Ranks streets by volume, most first; equal volumes share a rank and the next
 * rank skips (a tie at 10 puts every tied street in the top ten). A street
 * with no ticket has no rank. Equal volumes are listed by code, for a stable page.
 */
export function rankByVolume<T extends VolumeRow>(rows: readonly T[]): (T & { rank: number | null })[] {
  const sorted = [...rows].sort((a, b) => b.volume - a.volume || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  let rank = 0;
  return sorted.map((row, i) => {
    if (row.volume <= 0) return { ...row, rank: null };
    if (i === 0 || sorted[i - 1]!.volume !== row.volume) rank = i + 1;
    return { ...row, rank };
  });
}

export interface ListEntry {
  streetCode: string;
  /** Beijing dates, YYYY-MM-DD. */
  enteredOn: string;
  leftOn: string | null;
}

/** The streets on the list on `date`: entered on or before it and not yet left (leaving takes effect that day). */
export function listedOn(entries: readonly ListEntry[], date: string): Set<string> {
  return new Set(
    entries.filter((e) => e.enteredOn <= date && (e.leftOn == null || e.leftOn > date)).map((e) => e.streetCode),
  );
}

/**
 * The day a month's list is read on: its last day, or `today` while the month
 * is in progress. So a street that entered the list during the month counts as
 * on it (it has been taken on), and one that left during the month does not.
 */
export function listDateFor(month: string, today: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
  return today < last ? today : last;
}

/** The streets that get a 预警约谈: ranked within `topN` and not listed. */
export function governanceWarnings<T extends RankedStreet>(
  ranking: readonly T[],
  listed: ReadonlySet<string>,
  topN: number,
): T[] {
  return ranking.filter((s) => s.rank != null && s.rank <= topN && !listed.has(s.code));
}
