import { describe, expect, it } from "vitest";
import { councilStages } from "../../db/schema";
import { ConflictError } from "../errors";
import { checkStageChange, nextStages, stageLabels } from "./stages";

describe("council stages, as a table: every change from every stage", () => {
  for (const from of councilStages) {
    for (const to of councilStages) {
      const legal = nextStages[from].includes(to);
      it(`${from} → ${to}: ${legal ? "allowed" : "409"}`, () => {
        const run = () => checkStageChange(from, to);
        if (legal) expect(run).not.toThrow();
        else {
          expect(run).toThrow(ConflictError);
          expect(run).toThrow(`议事当前阶段为「${stageLabels[from]}」，不能转到「${stageLabels[to]}」`);
        }
      });
    }
  }

  it("follows DOMAIN.md's steps, reworks one step back, and reopens from residents' review", () => {
    expect(nextStages).toEqual({
      topic_intake: ["review"],
      review: ["deliberation", "topic_intake"],
      deliberation: ["decision", "review"],
      decision: ["implementation", "deliberation"],
      implementation: ["residents_review"],
      residents_review: ["closed", "deliberation"],
      closed: [],
    });
  });
});
