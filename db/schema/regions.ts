import { index, integer, real, sqliteTable, text, type AnySQLiteColumn } from "drizzle-orm/sqlite-core";

/** Levels of the national statistical division tree (DOMAIN.md, Places). */
export const regionLevels = ["city", "district", "street", "community"] as const;
export type RegionLevel = (typeof regionLevels)[number];

export const regions = sqliteTable(
  "regions",
  {
    /** National statistical code: 6 digits (city, district), 9 (street), 12 (community). */
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    level: text("level", { enum: regionLevels }).notNull(),
    parentCode: text("parent_code").references((): AnySQLiteColumn => regions.code),
    lon: real("lon"),
    lat: real("lat"),
    /** True where the code or the coordinates are ours, not official (demo communities). */
    approximate: integer("approximate", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("regions_parent_idx").on(t.parentCode), index("regions_level_idx").on(t.level)],
);
