/**
 * Plan templates as data (DOMAIN.md: 一方案三清单, 一方案四清单, custom
 * lists). A template names the plan's lists, their columns and whose
 * document holds their rows: `plan` lists (the problem list) are co-edited by
 * the council's members in `plan:N`; `party` lists (tasks, responsibilities,
 * projects) hold each party's own rows in `plan:N:party:M`. Pure, so the
 * editor in the browser reads the same definitions.
 */
import type { PartyRole } from "../../db/schema/councils";

export const listScopes = ["plan", "party"] as const;
export type ListScope = (typeof listScopes)[number];

export const columnKinds = ["text", "date", "status", "percent"] as const;
export type ColumnKind = (typeof columnKinds)[number];

export interface ListColumn {
  key: string;
  title: string;
  kind: ColumnKind;
}

export interface ListDefinition {
  key: string;
  title: string;
  scope: ListScope;
  columns: ListColumn[];
}

const text = (key: string, title: string): ListColumn => ({ key, title, kind: "text" });

export const standardLists = {
  problems: {
    key: "problems",
    title: "问题清单",
    scope: "plan",
    columns: [text("problem", "问题"), text("location", "位置"), text("tickets", "来源工单"), text("cause", "原因")],
  },
  tasks: {
    key: "tasks",
    title: "任务清单",
    scope: "party",
    columns: [
      text("task", "任务"),
      text("target", "量化目标"),
      { key: "deadline", title: "完成时限", kind: "date" },
      { key: "status", title: "状态", kind: "status" },
      { key: "progress", title: "进度", kind: "percent" },
    ],
  },
  responsibilities: {
    key: "responsibilities",
    title: "责任清单",
    scope: "party",
    columns: [
      text("task", "任务"),
      text("lead", "牵头单位"),
      text("cooperating", "配合单位"),
      text("contact", "联系人"),
    ],
  },
  projects: {
    key: "projects",
    title: "项目清单",
    scope: "party",
    columns: [
      text("project", "项目"),
      text("funding", "资金（万元）"),
      text("schedule", "实施周期"),
      text("source", "资金来源"),
    ],
  },
} satisfies Record<string, ListDefinition>;

export const templateCodes = ["three_lists", "four_lists"] as const;
export type TemplateCode = (typeof templateCodes)[number];

export interface PlanTemplate {
  name: string;
  lists: ListDefinition[];
  /** Parties whose organisations must sign a version. */
  signerRoles: PartyRole[];
}

export const templates: Record<TemplateCode, PlanTemplate> = {
  three_lists: {
    name: "一方案三清单",
    lists: [standardLists.problems, standardLists.tasks, standardLists.responsibilities],
    signerRoles: ["lead", "cooperating"],
  },
  // 治理类街乡镇 add the project list of funded projects.
  four_lists: {
    name: "一方案四清单",
    lists: [standardLists.problems, standardLists.tasks, standardLists.responsibilities, standardLists.projects],
    signerRoles: ["lead", "cooperating"],
  },
};

/** The tasks list is what becomes commitments; every plan has it. */
export const TASKS_LIST = standardLists.tasks.key;
