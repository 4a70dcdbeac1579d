/**
 * The council's stages as a pure table (DOMAIN.md, 圆桌会议 steps): which
 * stage may follow which, and the refusal (HTTP 409) for everything else.
 * Preconditions that need the database (a published decision before
 * implementation) are checked by the service.
 */
import type { CouncilStage } from "../../db/schema/councils";
import { ConflictError } from "../errors";

export const stageLabels: Record<CouncilStage, string> = {
  topic_intake: "议题征集",
  review: "审核排期",
  deliberation: "协商议事",
  decision: "形成决议",
  implementation: "落实",
  residents_review: "居民评议",
  closed: "已结案",
};

/** Forward along DOMAIN.md's steps; back one step to rework; residents' review can reopen deliberation. */
export const nextStages: Record<CouncilStage, readonly CouncilStage[]> = {
  topic_intake: ["review"],
  review: ["deliberation", "topic_intake"],
  deliberation: ["decision", "review"],
  decision: ["implementation", "deliberation"],
  implementation: ["residents_review"],
  residents_review: ["closed", "deliberation"],
  closed: [],
};

export function checkStageChange(from: CouncilStage, to: CouncilStage): void {
  if (!nextStages[from].includes(to)) {
    throw new ConflictError(`议事当前阶段为「${stageLabels[from]}」，不能转到「${stageLabels[to]}」`);
  }
}

/** Stages in which the council deliberates: meetings may vote and decide. */
export const decidingStages: readonly CouncilStage[] = ["deliberation", "decision"];
