/**
 * The first 七有五性 tags of the category tree (docs/decisions/0018), our
 * reading (C) of which yardstick each kind of call speaks to. Tags are given
 * by name path ("一级/二级/三级"); a category not named carries its parent's.
 * Seeded only into an empty table: an administrator edits them from then on.
 */
import { count } from "drizzle-orm";
import type { Database } from "../client";
import { categories, categoryTags, type CategoryTag } from "../schema";

export const defaultCategoryTags: Record<string, CategoryTag[]> = {
  住房: ["housing"],
  "住房/房屋安全": ["housing", "safety"],
  "住房/保障性住房": ["housing", "vulnerable"],
  公共服务: ["convenience"],
  "公共服务/供热": ["housing", "livability"],
  "城乡建设/物业管理": ["housing", "livability"],
  "城乡建设/物业管理/停车": ["convenience"],
  "城乡建设/物业管理/电梯": ["convenience", "safety"],
  "城乡建设/施工管理": ["livability"],
  "城乡建设/违法建设": ["livability", "fairness"],
  "城乡建设/市政设施": ["convenience"],
  "城乡建设/市政设施/无障碍设施": ["vulnerable", "convenience"],
  "城乡建设/园林绿化": ["livability"],
  "城乡建设/垃圾分类": ["livability"],
  "城乡建设/环境卫生": ["livability"],
  交通管理: ["convenience"],
  "社会秩序/扰民": ["livability"],
  "社会秩序/群租房": ["housing", "safety"],
  "社会秩序/治安": ["safety"],
  "社会秩序/消防安全": ["safety"],
  医疗卫生: ["medical"],
  "医疗卫生/公共卫生": ["medical", "safety"],
  "劳动和社会保障/劳动就业": ["work", "fairness"],
  "劳动和社会保障/社会保险": ["work"],
  "劳动和社会保障/社会保险/养老金领取": ["elderly"],
  "劳动和社会保障/养老服务": ["elderly"],
  "劳动和社会保障/社会救助": ["vulnerable", "fairness"],
  教育: ["education"],
  "教育/学校管理/幼儿园入园": ["childcare", "education"],
  "教育/校园周边": ["education", "safety"],
  环境保护: ["livability"],
  "市场管理/消费纠纷": ["fairness"],
  "市场管理/食品安全": ["safety"],
  "市场管理/价格": ["fairness"],
  "市场管理/市场秩序": ["convenience", "diversity"],
  "市场管理/市场秩序/特种设备安全": ["safety"],
  "农业农村/农村管理": ["fairness"],
};

export async function seedCategoryTags(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(categoryTags);
  if (existing!.n > 0) return 0;
  const rows = await database.db
    .select({ id: categories.id, parentId: categories.parentId, name: categories.name })
    .from(categories);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pathOf = (id: number): string => {
    const row = byId.get(id)!;
    return row.parentId == null ? row.name : `${pathOf(row.parentId)}/${row.name}`;
  };
  const values = rows.flatMap((r) =>
    (defaultCategoryTags[pathOf(r.id)] ?? []).map((tag) => ({ categoryId: r.id, tag })),
  );
  if (values.length === 0) return 0;
  await database.write(async (tx) => {
    await tx.insert(categoryTags).values(values);
  });
  return values.length;
}
