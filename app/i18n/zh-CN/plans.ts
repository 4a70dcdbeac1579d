/** Strings of the plan pages and the live editor (zh-CN). */
export const plans = {
  title: "方案",
  indexIntro: "一方案三清单：圆桌会议形成的方案、问题清单、任务清单和责任清单，各方在线共同编辑、定稿签署。",
  none: "暂无可查看的方案。方案由议事的召集人在议事页面创建。",
  templates: { three_lists: "一方案三清单", four_lists: "一方案四清单", custom: "自定义清单" } as Record<
    string,
    string
  >,
  createdAt: "创建于",
  owner: "所属议事",
  planOf: (title: string) => `${title} · 方案`,

  create: {
    heading: "方案",
    intro: "为本议事创建一方案三清单，各方在线共同编辑方案正文和各自的清单。",
    template: "方案模板",
    customHeading: "自定义清单（可选）",
    customTitle: (n: number) => `清单${n}名称`,
    customScope: (n: number) => `清单${n}由谁填写`,
    customColumns: (n: number) => `清单${n}的列（用逗号或顿号分隔）`,
    scopes: { plan: "议事成员共同填写", party: "各单位分别填写本单位的行" } as Record<string, string>,
    submit: "创建方案",
    open: "打开方案",
    noPlan: "本议事尚未创建方案。",
  },

  editor: {
    textHeading: "方案正文",
    loading: "正在连接编辑服务…",
    readOnly: "只读",
    online: "在线",
    connection: { connecting: "正在连接…", connected: "已连接", reconnecting: "正在重连", offline: "离线" } as Record<
      string,
      string
    >,
    saved: "已保存",
    saving: "正在保存…",
    unsaved: "有未保存的修改，连接恢复后自动保存",
    addRow: "添加一行",
    removeRow: "删除",
    removeRowLabel: (n: number) => `删除第${n}行`,
    party: "单位",
    noRows: "暂无内容",
    editingHere: (name: string) => `${name}正在编辑`,
    statusChoose: "请选择",
    statuses: { not_started: "未开始", in_progress: "进行中", done: "已完成" } as Record<string, string>,
    you: "（我）",
  },

  versions: {
    heading: "定稿与签署",
    history: "版本历史",
    none: "尚未定稿。召集人定稿后，各方签署。",
    latest: (n: number) => `第${n}版`,
    frozenAt: "定稿于",
    freeze: "冻结版本",
    frozen: "已冻结新版本，等待各方签署",
    sign: "签署",
    signFor: (name: string) => `代表${name}签署`,
    signed: "已签署",
    signedLine: (org: string, user: string, at: string) => `${org}：${user}，${at}`,
    unsigned: "未签署",
    draftChanged: "草稿已修改，签名不随之转移",
    allSigned: "各方均已签署",
    waiting: (n: number) => `尚有${n}个单位未签署`,
    required: "须签署的单位",
  },
};
