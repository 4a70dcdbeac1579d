/**
 * The fields an import can fill, the file headers they are usually called,
 * and the mapping between the two. Pure and isomorphic: the mapping page uses
 * the same suggestions the server validates against.
 */

export const importFields = [
  "number",
  "receivedAt",
  "type",
  "channel",
  "urgency",
  "category",
  "description",
  "address",
  "lon",
  "lat",
  "regionCode",
  "districtName",
  "streetName",
  "communityName",
  "reporterName",
  "reporterPhone",
  // Optional history (the hotline's own record of the loop).
  "status",
  "dispatchedAt",
  "leadUnit",
  "acceptedAt",
  "firstContactAt",
  "repliedAt",
  "calledBackAt",
  "resolution",
  "satisfaction",
  "closedAt",
] as const;
export type ImportField = (typeof importFields)[number];

/** Our field → the file's column header. Unmapped fields are absent. */
export type ColumnMapping = Partial<Record<ImportField, string>>;

/** Without these an import cannot make a ticket, so the mapping step insists on them. */
export const requiredFields: readonly ImportField[] = ["number", "receivedAt", "type", "category", "description"];

export const historyFields: readonly ImportField[] = [
  "status",
  "dispatchedAt",
  "leadUnit",
  "acceptedAt",
  "firstContactAt",
  "repliedAt",
  "calledBackAt",
  "resolution",
  "satisfaction",
  "closedAt",
];

export function isImportField(value: string): value is ImportField {
  return (importFields as readonly string[]).includes(value);
}

/**
 * Header names seen in hotline exports (12345 platforms, district systems,
 * spreadsheets people keep), Chinese and English. The first is the label.
 * Matching ignores case, spaces, underscores and brackets.
 */
export const fieldAliases: Record<ImportField, readonly string[]> = {
  number: [
    "工单编号",
    "工单号",
    "工单编码",
    "受理编号",
    "诉求编号",
    "编号",
    "number",
    "ticket number",
    "ticket no",
    "ticket_id",
  ],
  receivedAt: ["受理时间", "来电时间", "登记时间", "诉求时间", "创建时间", "received at", "received", "created at"],
  type: ["诉求类型", "工单类型", "来电类型", "诉求性质", "类型", "type", "request type"],
  channel: ["渠道", "受理渠道", "来源渠道", "诉求渠道", "来源", "channel", "source"],
  urgency: ["紧急程度", "紧急度", "缓急程度", "缓急", "urgency", "priority"],
  category: ["诉求分类", "问题分类", "事项分类", "分类", "类别", "category", "classification"],
  description: ["诉求内容", "来电内容", "问题描述", "诉求描述", "内容", "description", "content"],
  address: ["事发地址", "诉求地址", "事发地点", "地址", "address", "location"],
  lon: ["经度", "lon", "lng", "longitude"],
  lat: ["纬度", "lat", "latitude"],
  regionCode: ["区划代码", "行政区划代码", "社区代码", "街道代码", "region code", "area code"],
  districtName: ["所属区", "区县", "区", "district"],
  streetName: ["所属街道", "街道乡镇", "街乡镇", "街道", "street"],
  communityName: ["所属社区", "社区村", "社区", "community"],
  reporterName: ["来电人", "诉求人", "反映人", "来电人姓名", "联系人", "姓名", "reporter name", "reporter", "name"],
  reporterPhone: [
    "联系电话",
    "来电号码",
    "来电电话",
    "手机号码",
    "电话",
    "reporter phone",
    "phone",
    "telephone",
    "mobile",
  ],
  status: ["工单状态", "办理状态", "状态", "status"],
  dispatchedAt: ["派单时间", "派发时间", "交办时间", "dispatched at", "dispatched"],
  leadUnit: ["承办单位", "主办单位", "办理单位", "责任单位", "lead unit", "handling unit", "unit"],
  acceptedAt: ["签收时间", "接单时间", "accepted at", "accepted"],
  firstContactAt: ["先行联系时间", "首次联系时间", "联系时间", "first contact at", "first contact"],
  repliedAt: ["回复时间", "答复时间", "办理回复时间", "replied at", "replied"],
  calledBackAt: ["回访时间", "called back at", "callback at", "callback"],
  resolution: ["解决情况", "是否解决", "解决结果", "resolution", "resolved"],
  satisfaction: ["满意度", "满意情况", "是否满意", "评价结果", "satisfaction"],
  closedAt: ["办结时间", "结案时间", "关闭时间", "closed at", "closed"],
};

export const fieldLabels: Record<ImportField, string> = {
  number: "工单编号",
  receivedAt: "受理时间",
  type: "诉求类型",
  channel: "渠道",
  urgency: "紧急程度",
  category: "诉求分类",
  description: "诉求内容",
  address: "地址",
  lon: "经度",
  lat: "纬度",
  regionCode: "区划代码",
  districtName: "所属区",
  streetName: "所属街道/乡镇",
  communityName: "所属社区/村",
  reporterName: "诉求人姓名",
  reporterPhone: "联系电话",
  status: "工单状态",
  dispatchedAt: "派单时间",
  leadUnit: "承办单位",
  acceptedAt: "签收时间",
  firstContactAt: "先行联系时间",
  repliedAt: "回复时间",
  calledBackAt: "回访时间",
  resolution: "解决情况",
  satisfaction: "满意度",
  closedAt: "办结时间",
};

function normalise(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-()[\]（）【】*:：]/g, "");
}

/**
 * A mapping suggested from the file's headers: exact alias matches first
 * (in alias order, so "工单状态" beats "状态"), then headers that contain an
 * alias ("受理时间（北京）"). Each header serves one field at most.
 */
export function suggestMapping(headers: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = {};
  const used = new Set<string>();
  const normalised = headers.map((h) => ({ header: h, key: normalise(h) })).filter((h) => h.key !== "");
  const take = (field: ImportField, header: string) => {
    mapping[field] = header;
    used.add(header);
  };
  for (const field of importFields) {
    for (const alias of fieldAliases[field]) {
      const hit = normalised.find((h) => !used.has(h.header) && h.key === normalise(alias));
      if (hit) {
        take(field, hit.header);
        break;
      }
    }
  }
  for (const field of importFields) {
    if (mapping[field]) continue;
    // Only aliases of two characters or more: "区" would match every "社区".
    const aliases = fieldAliases[field].map(normalise).filter((a) => [...a].length >= 2);
    const hit = normalised.find((h) => !used.has(h.header) && aliases.some((a) => h.key.includes(a)));
    if (hit) take(field, hit.header);
  }
  return mapping;
}

/** Why a mapping cannot start an import (Chinese), or an empty list. */
export function mappingProblems(mapping: ColumnMapping, headers: readonly string[]): string[] {
  const problems: string[] = [];
  for (const field of requiredFields) {
    if (!mapping[field]) problems.push(`请为「${fieldLabels[field]}」选择对应的列`);
  }
  const seen = new Map<string, ImportField>();
  for (const field of importFields) {
    const header = mapping[field];
    if (!header) continue;
    if (!headers.includes(header)) problems.push(`文件中没有「${header}」列（${fieldLabels[field]}）`);
    const other = seen.get(header);
    if (other) problems.push(`「${header}」列同时对应了「${fieldLabels[other]}」和「${fieldLabels[field]}」`);
    seen.set(header, field);
  }
  if (!!mapping.lon !== !!mapping.lat) problems.push("经度和纬度需要同时选择");
  return problems;
}

/** Keeps only known fields with a non-empty header: what is stored and what runs. */
export function cleanMapping(input: Record<string, unknown>): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const [field, header] of Object.entries(input)) {
    if (isImportField(field) && typeof header === "string" && header.trim() !== "") mapping[field] = header;
  }
  return mapping;
}
