import { describe, expect, it } from "vitest";
import type { BallotChoice } from "../../db/schema";
import { tally } from "./votes";

const ballots = (f: number, a: number, ab: number): BallotChoice[] => [
  ...Array<BallotChoice>(f).fill("for"),
  ...Array<BallotChoice>(a).fill("against"),
  ...Array<BallotChoice>(ab).fill("abstain"),
];

describe("counting a vote", () => {
  const simple = { eligible: 10, quorumPercent: 50, thresholdPercent: 50 };

  it("a simple majority of ballots cast passes once the quorum is met", () => {
    expect(tally(ballots(3, 2, 0), simple)).toMatchObject({
      for: 3,
      against: 2,
      cast: 5,
      quorum: 5,
      quorumMet: true,
      result: "passed",
    });
  });

  it("a tie is not more than half: rejected", () => {
    expect(tally(ballots(3, 3, 0), simple).result).toBe("rejected");
  });

  it("abstentions count towards the quorum and as ballots cast", () => {
    // 3 for of 6 cast is not more than half
    expect(tally(ballots(3, 1, 2), simple)).toMatchObject({ cast: 6, quorumMet: true, result: "rejected" });
  });

  it("below the quorum nothing passes, however lopsided", () => {
    expect(tally(ballots(4, 0, 0), simple)).toMatchObject({ quorum: 5, quorumMet: false, result: "no_quorum" });
  });

  it("the quorum rounds up: 2/3 of 7 needs 5 ballots", () => {
    const rules = { eligible: 7, quorumPercent: 67, thresholdPercent: 50 };
    expect(tally(ballots(4, 0, 0), rules)).toMatchObject({ quorum: 5, result: "no_quorum" });
    expect(tally(ballots(4, 1, 0), rules)).toMatchObject({ quorum: 5, result: "passed" });
  });

  it("a two-thirds threshold: 2 of 3 passes at 66, 3 of 5 does not", () => {
    const rules = { eligible: 5, quorumPercent: 0, thresholdPercent: 66 };
    expect(tally(ballots(2, 1, 0), rules).result).toBe("passed");
    expect(tally(ballots(3, 2, 0), rules).result).toBe("rejected");
  });

  it("no ballots at all is never a quorum, even at 0%", () => {
    expect(tally([], { eligible: 4, quorumPercent: 0, thresholdPercent: 50 }).result).toBe("no_quorum");
  });
});
