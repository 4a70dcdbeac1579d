/**
 * What row validation looks things up in, loaded once per import: the
 * category tree, the newest time-limit rules, the working-day calendar, the
 * region tree (by code, by name and by position) and the handling units by
 * name. Each lookup answers with the thing or a Chinese reason.
 */
import { asc } from "drizzle-orm";
import type { Queryable } from "../../../db/client";
import { categories, organisations, regions, type LimitClass } from "../../../db/schema";
import type { OrgKind } from "../../../db/schema/identity";
import { codesFrom, districtAt, nearestCommunity, significantPrefix, type Located } from "../../regions";
import { loadCalendar, type CalendarExceptions } from "../calendar";
import { handlingKinds, type UnitRef } from "../lifecycle";
import { currentRules, pickTimeLimit, type TimeLimitRule } from "../rules";

export type Found<T> = { ok: true; value: T } | { ok: false; reason: string };
const found = <T>(value: T): Found<T> => ({ ok: true, value });
const missing = <T>(reason: string): Found<T> => ({ ok: false, reason });

export interface Leaf {
  id: number;
  name: string;
  limitClass: LimitClass;
}

/** Lookups are memoised per distinct text; past this many entries the memo starts over (memory stays bounded). */
const MEMO_LIMIT = 50_000;

/**
 * A copy of a string that owns its characters. Field values are slices of the
 * parser's megabyte text chunks, and V8 keeps a whole chunk alive for any
 * slice of it: a memo keyed by slices would pin one chunk per new key.
 */
function detach(text: string): string {
  return Buffer.from(text, "utf8").toString("utf8");
}

/** Stores a lookup's answer with detached key and reason. */
function remember<T>(memo: Map<string, Found<T>>, key: string, hit: Found<T>): Found<T> {
  if (memo.size > MEMO_LIMIT) memo.clear();
  const kept = hit.ok ? hit : { ok: false as const, reason: detach(hit.reason) };
  memo.set(detach(key), kept);
  return kept;
}

function key(text: string): string {
  return text.normalize("NFKC").trim().replace(/\s+/g, "");
}

/** Category by dotted code (05.01.01), by full path (城乡建设/物业管理/物业服务), by a path's tail, or by leaf name when unique. */
export class CategoryIndex {
  private byCode = new Map<string, Leaf | "branch">();
  /** "a/b/c", "b/c" and "c" → the leaves they name. */
  private byPath = new Map<string, Leaf[]>();

  constructor(rows: (typeof categories.$inferSelect)[]) {
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const row of rows) {
      if (!row.active) continue;
      if (!row.limitClass) {
        this.byCode.set(row.code, "branch");
        continue;
      }
      const leaf: Leaf = { id: row.id, name: row.name, limitClass: row.limitClass };
      this.byCode.set(row.code, leaf);
      const names: string[] = [];
      for (let at: typeof row | undefined = row; at; at = at.parentId == null ? undefined : byId.get(at.parentId)) {
        names.unshift(key(at.name));
      }
      for (let i = 0; i < names.length; i++) {
        const path = names.slice(i).join("/");
        const list = this.byPath.get(path) ?? [];
        list.push(leaf);
        this.byPath.set(path, list);
      }
    }
  }

  private memo = new Map<string, Found<Leaf>>();

  /** Memoised: an export repeats a few hundred categories a million times. */
  resolve(text: string): Found<Leaf> {
    return this.memo.get(text) ?? remember(this.memo, text, this.lookUp(text));
  }

  private lookUp(text: string): Found<Leaf> {
    const raw = text.normalize("NFKC").trim();
    if (/^\d{2}(\.\d{2}){0,2}$/.test(raw)) {
      const hit = this.byCode.get(raw);
      if (hit === "branch") return missing(`诉求分类「${raw}」不是最末级分类`);
      return hit ? found(hit) : missing(`未找到编码为「${raw}」的诉求分类`);
    }
    const path = raw
      .split(/\s*(?:[/>＞›»|\\、]|-{1,2}>?)\s*/)
      .map(key)
      .filter(Boolean)
      .join("/");
    const hits = this.byPath.get(path);
    if (!hits) return missing(`未找到诉求分类「${raw}」`);
    if (hits.length > 1)
      return missing(`诉求分类「${raw}」对应多个分类，请写完整路径（如 城乡建设/物业管理/物业服务）或编码`);
    return found(hits[0]!);
  }
}

interface PlaceRow {
  code: string;
  level: string;
  parentCode: string | null;
}

const SUFFIXES = /(社区居委会|居民委员会|居委会|村委会|社区|村|街道办事处|街道办|街道|地区办事处|地区|乡|镇|区)$/;
function baseName(name: string): string {
  const k = key(name);
  const stripped = k.replace(SUFFIXES, "");
  return stripped === "" ? k : stripped;
}

/** Where a ticket is: by code, by names (community › street › district), or by position like intake's `locate`. */
export class PlaceIndex {
  private byCode = new Map<string, PlaceRow>();
  private byName = new Map<string, PlaceRow[]>();
  /** Communities with coordinates, bucketed by 0.01° cells (≥ 0.85 km in Beijing, more than the 800 m radius). */
  private grid = new Map<string, { code: string; lon: number; lat: number }[]>();

  constructor(rows: (typeof regions.$inferSelect)[]) {
    for (const row of rows) {
      const place = { code: row.code, level: row.level, parentCode: row.parentCode };
      this.byCode.set(row.code, place);
      if (row.level === "city") continue;
      for (const name of new Set([key(row.name), baseName(row.name)])) {
        const list = this.byName.get(`${row.level}:${name}`) ?? [];
        list.push(place);
        this.byName.set(`${row.level}:${name}`, list);
      }
      if (row.level === "community" && row.lon != null && row.lat != null) {
        const c = { code: row.code, lon: row.lon, lat: row.lat };
        const cell = `${Math.floor(row.lon * 100)}:${Math.floor(row.lat * 100)}`;
        const list = this.grid.get(cell) ?? [];
        list.push(c);
        this.grid.set(cell, list);
      }
    }
  }

  byRegionCode(code: string): Found<Located> {
    const c = code.trim();
    if (!/^(\d{6}|\d{9}|\d{12})$/.test(c)) return missing(`区划代码「${code}」格式不正确（应为 6、9 或 12 位数字）`);
    const row = this.byCode.get(c);
    if (!row || row.level === "city") return missing(`未找到区划代码为「${c}」的区、街道或社区`);
    return found(codesFrom(c));
  }

  private named(level: "district" | "street" | "community", name: string, within: string | null): PlaceRow[] {
    const exact = this.byName.get(`${level}:${key(name)}`) ?? this.byName.get(`${level}:${baseName(name)}`) ?? [];
    return within ? exact.filter((p) => p.code.startsWith(within)) : exact;
  }

  private memo = new Map<string, Found<Located>>();

  /** By names, district › street › community, each narrowing the next. Memoised: exports repeat them. */
  byNames(district: string, street: string, community: string): Found<Located> {
    const id = `${district}|${street}|${community}`;
    return this.memo.get(id) ?? remember(this.memo, id, this.lookUpNames({ district, street, community }));
  }

  private lookUpNames(names: { district: string; street: string; community: string }): Found<Located> {
    let within: string | null = null;
    if (names.district) {
      const hits = this.named("district", names.district, null);
      if (hits.length === 0) return missing(`未找到区「${names.district}」`);
      within = hits[0]!.code;
    }
    if (names.street) {
      const hits = this.named("street", names.street, within);
      if (hits.length === 0) return missing(`未找到街道/乡镇「${names.street}」${within ? "（在所填的区内）" : ""}`);
      if (hits.length > 1) return missing(`街道/乡镇「${names.street}」有重名，请同时提供所属区或区划代码`);
      within = hits[0]!.code;
    }
    if (names.community) {
      const hits = this.named("community", names.community, within);
      if (hits.length === 0)
        return missing(`未找到社区/村「${names.community}」${within ? "（在所填的街道或区内）" : ""}`);
      if (hits.length > 1) return missing(`社区/村「${names.community}」有重名，请同时提供所属街道或区划代码`);
      within = hits[0]!.code;
    }
    return within ? found(codesFrom(within)) : missing("地点信息为空");
  }

  /** Same answer as regions' `locate`: the nearest community within the radius, else the district by boundary. */
  byPosition(lon: number, lat: number): Located {
    const cx = Math.floor(lon * 100);
    const cy = Math.floor(lat * 100);
    const near: { code: string; lon: number; lat: number }[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) near.push(...(this.grid.get(`${cx + dx}:${cy + dy}`) ?? []));
    }
    const nearest = nearestCommunity(near, lon, lat);
    if (nearest) return codesFrom(nearest.code);
    return { districtCode: districtAt(lon, lat), streetCode: null, communityCode: null };
  }
}

/** Handling units by name (承办单位). */
export class UnitIndex {
  private byName = new Map<string, UnitRef[]>();
  private others = new Set<string>();

  constructor(rows: { id: number; name: string; kind: OrgKind; regionCode: string }[]) {
    for (const row of rows) {
      if (!handlingKinds.includes(row.kind)) {
        this.others.add(key(row.name));
        continue;
      }
      const list = this.byName.get(key(row.name)) ?? [];
      list.push({ orgId: row.id, kind: row.kind, regionCode: row.regionCode });
      this.byName.set(key(row.name), list);
    }
  }

  /**
   * A unit by name. Names repeat across districts (two 八里庄街道 have two
   * 八里庄街道办事处): then the one whose area holds the ticket's place wins.
   */
  resolve(name: string, placeCode: string | null): Found<UnitRef> {
    const id = `${name}|${placeCode ?? ""}`;
    return this.memo.get(id) ?? remember(this.memo, id, this.lookUp(name, placeCode));
  }

  private memo = new Map<string, Found<UnitRef>>();

  private lookUp(name: string, placeCode: string | null): Found<UnitRef> {
    let hits = this.byName.get(key(name));
    if (!hits) {
      return missing(
        this.others.has(key(name))
          ? `「${name}」不是承办单位（只能派给街道、社区、职能部门、物业或公共服务企业）`
          : `未找到承办单位「${name}」`,
      );
    }
    if (hits.length > 1 && placeCode) {
      const near = hits.filter((u) => placeCode.startsWith(significantPrefix(u.regionCode)));
      if (near.length > 0) hits = near;
    }
    if (hits.length > 1) return missing(`承办单位「${name}」有重名，请提供工单所属的区或街道以区分`);
    return found(hits[0]!);
  }
}

export interface Reference {
  categories: CategoryIndex;
  places: PlaceIndex;
  units: UnitIndex;
  calendar: CalendarExceptions;
  rules: TimeLimitRule[];
  extensionCapWorkingDays: number;
  /** The rule a new ticket gets, memoised per (urgency, type, class). */
  ruleFor(key: Parameters<typeof pickTimeLimit>[1]): TimeLimitRule | null;
}

/** The rows the indexes are built from: plain data, so a worker thread can receive it. */
export interface ReferenceData {
  categories: (typeof categories.$inferSelect)[];
  regions: (typeof regions.$inferSelect)[];
  units: { id: number; name: string; kind: OrgKind; regionCode: string }[];
  calendar: [string, "holiday" | "workday"][];
  rules: TimeLimitRule[];
  extensionCapWorkingDays: number;
}

/** Null when no time-limit rules exist: nothing can be imported then. */
export async function loadReferenceData(db: Queryable): Promise<ReferenceData | null> {
  const rules = await currentRules(db);
  if (!rules) return null;
  const [categoryRows, regionRows, unitRows, calendar] = await Promise.all([
    db.select().from(categories).orderBy(asc(categories.id)),
    db.select().from(regions).orderBy(asc(regions.code)),
    db
      .select({
        id: organisations.id,
        name: organisations.name,
        kind: organisations.kind,
        regionCode: organisations.regionCode,
      })
      .from(organisations)
      .orderBy(asc(organisations.id)),
    loadCalendar(db),
  ]);
  return {
    categories: categoryRows,
    regions: regionRows,
    units: unitRows,
    calendar: [...calendar],
    rules: rules.rules,
    extensionCapWorkingDays: rules.version.extensionCapWorkingDays,
  };
}

export function buildReference(data: ReferenceData): Reference {
  const memo = new Map<string, TimeLimitRule | null>();
  return {
    categories: new CategoryIndex(data.categories),
    places: new PlaceIndex(data.regions),
    units: new UnitIndex(data.units),
    calendar: new Map(data.calendar),
    rules: data.rules,
    extensionCapWorkingDays: data.extensionCapWorkingDays,
    ruleFor(k) {
      const id = `${k.urgency}|${k.type}|${k.limitClass}`;
      if (!memo.has(id)) memo.set(id, pickTimeLimit(data.rules, k));
      return memo.get(id)!;
    },
  };
}
