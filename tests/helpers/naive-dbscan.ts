/**
 * Textbook ST-DBSCAN by all pairs: the reference the grid index
 * (server/insights/clustering.ts) is checked against in tests and measured
 * against in the bench. O(n²), so only for small samples.
 */
import type { ClusterRule, StPoint } from "../../server/insights/clustering";

/** Each cluster's ticket ids, sorted; clusters sorted by their first id. */
export function naiveClusters(points: readonly StPoint[], rule: ClusterRule): number[][] {
  const r2 = (rule.radiusM + 0.001) ** 2;
  const near = (a: StPoint, b: StPoint) =>
    a.family === b.family && (a.x - b.x) ** 2 + (a.y - b.y) ** 2 <= r2 && Math.abs(a.t - b.t) <= rule.windowMs;
  const neighbours = points.map((p) => points.flatMap((q, j) => (near(p, q) ? [j] : [])));
  const core = neighbours.map((n) => n.length >= rule.minTickets);
  const label = new Array<number>(points.length).fill(-1);
  let next = 0;
  for (let i = 0; i < points.length; i++) {
    if (!core[i] || label[i] !== -1) continue;
    const id = next++;
    const stack = [i];
    label[i] = id;
    while (stack.length) {
      const p = stack.pop()!;
      for (const q of neighbours[p]!) {
        if (core[q] && label[q] === -1) {
          label[q] = id;
          stack.push(q);
        }
      }
    }
  }
  // Border points join the cluster of their nearest core neighbour.
  for (let i = 0; i < points.length; i++) {
    if (core[i]) continue;
    let best = Infinity;
    for (const j of neighbours[i]!) {
      if (!core[j]) continue;
      const d = (points[i]!.x - points[j]!.x) ** 2 + (points[i]!.y - points[j]!.y) ** 2;
      if (d < best) {
        best = d;
        label[i] = label[j]!;
      }
    }
  }
  const groups = new Map<number, number[]>();
  points.forEach((p, i) => {
    if (label[i]! >= 0) groups.set(label[i]!, [...(groups.get(label[i]!) ?? []), p.id]);
  });
  return sortClusters([...groups.values()]);
}

export function sortClusters(clusters: Iterable<number[]>): number[][] {
  return [...clusters].map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}
