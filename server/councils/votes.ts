/**
 * Counting a vote. Quorum: at least `quorumPercent` of those entitled cast a
 * ballot (abstentions count as cast). Threshold: the motion passes when votes
 * for are more than `thresholdPercent` of the ballots cast — 50 is 过半数, a
 * simple majority; 66 asks for two thirds. Both are fixed when the vote opens.
 */
import type { BallotChoice, VotingResult } from "../../db/schema/councils";

export interface VoteRules {
  eligible: number;
  quorumPercent: number;
  thresholdPercent: number;
}

export interface Tally {
  for: number;
  against: number;
  abstain: number;
  cast: number;
  eligible: number;
  /** Ballots needed for the quorum. */
  quorum: number;
  quorumMet: boolean;
  result: VotingResult;
}

export function tally(choices: readonly BallotChoice[], rules: VoteRules): Tally {
  const count = (c: BallotChoice) => choices.filter((x) => x === c).length;
  const votesFor = count("for");
  const cast = choices.length;
  const quorum = Math.ceil((rules.eligible * rules.quorumPercent) / 100);
  const quorumMet = cast > 0 && cast >= quorum;
  const result: VotingResult = !quorumMet
    ? "no_quorum"
    : votesFor * 100 > rules.thresholdPercent * cast
      ? "passed"
      : "rejected";
  return {
    for: votesFor,
    against: count("against"),
    abstain: count("abstain"),
    cast,
    eligible: rules.eligible,
    quorum,
    quorumMet,
    result,
  };
}
