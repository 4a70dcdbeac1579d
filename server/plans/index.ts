/** The plans domain's public face (一方案N清单): routes, seeds and other domains import from here only. */
export { planDocumentAccess, readablePlan, type PlanRecord } from "./access";
export { COMMITMENT_WARNING_DAYS, commitmentsDue, plansToSign } from "./agenda";
export { createPlan, defaultTemplate, planOf, planSchema } from "./plans";
export { planDocumentKind } from "./realtime";
export { standardLists, templates, templateCodes, type ListDefinition, type TemplateCode } from "./templates";
export {
  freezeVersion,
  planVersionHistory,
  requiredSigners,
  restoreVersion,
  signVersion,
  type PlanDocuments,
} from "./versions";
export { listReadablePlans, planView, type PlanView } from "./view";
export {
  commitmentProgress,
  commitmentUpdateSchema,
  isOverdue,
  commitmentsPage,
  commitmentStates,
  listCommitments,
  sweepOverdueCommitments,
  updateCommitment,
  type CommitmentScope,
  type CommitmentState,
  type CommitmentUpdateView,
  type CommitmentView,
} from "./commitments";
export { diffContents, type BlockDiff, type ListDiff, type PlanDiff, type TextBlock } from "./diff";
export { compareVersions, signedVersion, versionHistoryView, type SignedList } from "./readout";
