/**
 * The 三率 workbook (/rates/export.xlsx): the month's unit scorecards, the
 * street ranking and the monthly trend, with Chinese headers. Rates are
 * stored as fractions with a percent format, so Excel can still compute
 * with them; the composite is a number of points.
 */
import ExcelJS from "exceljs";
import { t } from "~/i18n";
import type { monthlyScorecards, streetRanking, trend } from "../../server/tickets";

type Scorecards = Awaited<ReturnType<typeof monthlyScorecards>>;
type Ranking = Awaited<ReturnType<typeof streetRanking>>;
type Trend = Awaited<ReturnType<typeof trend>>;

const PERCENT = "0.0%";
const POINTS = "0.00";
const CREDITED = "0.##";

interface Column {
  header: string;
  key: string;
  width: number;
  numFmt?: string;
}

function addSheet(workbook: ExcelJS.Workbook, name: string, columns: Column[]) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, style: { numFmt: c.numFmt } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", wrapText: true };
  return sheet;
}

/** An empty cell, never 0%, where a rate has no data. */
const rate = (value: number | null) => value ?? null;

export async function buildRatesWorkbook(data: {
  scorecards: Scorecards;
  ranking: Ranking;
  trend: Trend;
}): Promise<Buffer> {
  const S = t.rates.sheet;
  const { scorecards, ranking } = data;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = t.app.fullName;
  workbook.created = new Date();

  const units = addSheet(workbook, S.units, [
    { header: S.month, key: "month", width: 10 },
    { header: S.unit, key: "unit", width: 34 },
    { header: S.kind, key: "kind", width: 14 },
    { header: S.dispatched, key: "dispatched", width: 9 },
    { header: S.excluded, key: "excluded", width: 9 },
    { header: S.scored, key: "scored", width: 9 },
    { header: S.responded, key: "responded", width: 12 },
    { header: S.callbacks, key: "callbacks", width: 9 },
    { header: S.resolved, key: "resolved", width: 9 },
    { header: S.partly, key: "partly", width: 9 },
    { header: S.satisfied, key: "satisfied", width: 9 },
    { header: S.basic, key: "basic", width: 9 },
    { header: S.response, key: "response", width: 9, numFmt: PERCENT },
    { header: S.resolution, key: "resolution", width: 9, numFmt: PERCENT },
    { header: S.satisfaction, key: "satisfaction", width: 9, numFmt: PERCENT },
    { header: S.composite, key: "composite", width: 10, numFmt: POINTS },
  ]);
  const unitRow = (unit: string, kind: string, c: Scorecards["total"]) => ({
    month: scorecards.month,
    unit,
    kind,
    dispatched: c.counts.dispatched,
    excluded: c.counts.excluded,
    scored: c.rates.scored,
    responded: c.counts.responded,
    callbacks: c.counts.callbacks,
    resolved: c.counts.resolved,
    partly: c.counts.partly,
    satisfied: c.counts.satisfied,
    basic: c.counts.basic,
    response: rate(c.rates.response),
    resolution: rate(c.rates.resolution),
    satisfaction: rate(c.rates.satisfaction),
    composite: rate(c.rates.composite),
  });
  for (const u of scorecards.units) units.addRow(unitRow(u.name, t.orgKinds[u.kind], u));
  const total = units.addRow(unitRow(S.total, "", scorecards.total));
  total.font = { bold: true };
  const w = scorecards.weights;
  units.addRow([]);
  units.addRow([S.weights(w.response, w.resolution, w.satisfaction, w.partialCredit, w.basicCredit)]);

  const streets = addSheet(workbook, S.ranking, [
    { header: S.rank, key: "rank", width: 7 },
    { header: S.street, key: "street", width: 22 },
    { header: S.streetCode, key: "code", width: 12 },
    { header: S.district, key: "district", width: 12 },
    { header: S.dispatched, key: "dispatched", width: 9 },
    { header: S.excluded, key: "excluded", width: 9 },
    { header: S.response, key: "response", width: 9, numFmt: PERCENT },
    { header: S.resolution, key: "resolution", width: 9, numFmt: PERCENT },
    { header: S.satisfaction, key: "satisfaction", width: 9, numFmt: PERCENT },
    { header: S.composite, key: "composite", width: 10, numFmt: POINTS },
    { header: S.note, key: "note", width: 12 },
  ]);
  for (const s of ranking.streets) {
    const row = streets.addRow({
      rank: s.rank,
      street: s.name,
      code: s.code,
      district: s.districtName ?? "",
      dispatched: s.counts.dispatched,
      excluded: s.counts.excluded,
      response: rate(s.rates.response),
      resolution: rate(s.rates.resolution),
      satisfaction: rate(s.rates.satisfaction),
      composite: rate(s.rates.composite),
      note: s.rank == null ? t.rates.noData : s.bottom ? t.rates.ranking.bottomLabel : "",
    });
    if (s.bottom) row.font = { color: { argb: "FFB3261E" }, bold: true };
  }

  const trendSheet = addSheet(workbook, S.trend, [
    { header: S.month, key: "month", width: 10 },
    { header: S.dispatched, key: "dispatched", width: 9 },
    { header: S.excluded, key: "excluded", width: 9 },
    { header: S.responded, key: "responded", width: 12 },
    { header: S.callbacks, key: "callbacks", width: 9 },
    { header: S.resolved, key: "resolvedCredited", width: 9, numFmt: CREDITED },
    { header: S.satisfied, key: "satisfiedCredited", width: 9, numFmt: CREDITED },
    { header: S.response, key: "response", width: 9, numFmt: PERCENT },
    { header: S.resolution, key: "resolution", width: 9, numFmt: PERCENT },
    { header: S.satisfaction, key: "satisfaction", width: 9, numFmt: PERCENT },
    { header: S.composite, key: "composite", width: 10, numFmt: POINTS },
    ...data.trend.volumes.map((v) => ({ header: `${v.name}（${S.dispatched}）`, key: `v${v.categoryId}`, width: 12 })),
  ]);
  for (const [i, m] of data.trend.series.entries()) {
    trendSheet.addRow({
      month: m.month,
      dispatched: m.counts.dispatched,
      excluded: m.counts.excluded,
      responded: m.counts.responded,
      callbacks: m.counts.callbacks,
      resolvedCredited: m.rates.resolvedCredited,
      satisfiedCredited: m.rates.satisfiedCredited,
      response: rate(m.rates.response),
      resolution: rate(m.rates.resolution),
      satisfaction: rate(m.rates.satisfaction),
      composite: rate(m.rates.composite),
      ...Object.fromEntries(data.trend.volumes.map((v) => [`v${v.categoryId}`, v.counts[i] ?? 0])),
    });
  }

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
