/**
 * Rising categories per street: a street's volume of a category in the
 * current period against that street's own baseline (docs/decisions/0014).
 *
 * The test: under the baseline, calls arrive as a Poisson process with the
 * mean λ of the baseline periods; the period is flagged when the upper tail
 * P(X ≥ observed | λ) is below the rule's significance level (e.g. 0.01) and
 * the count reaches the rule's minimum (a jump from 0 to 2 is significant for
 * a quiet street but not worth a warning).
 */

/** P(X ≥ k) for X ~ Poisson(λ), summed in log space so large λ and k neither overflow nor underflow. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // 1 − P(X ≤ k − 1); for k far above λ sum the upper terms directly (more precise than 1 − ~1).
  const logTerm = (i: number) => -lambda + i * Math.log(lambda) - logFactorial(i);
  if (k > lambda) {
    let sum = 0;
    for (let i = k; ; i++) {
      const term = Math.exp(logTerm(i));
      sum += term;
      if (term < sum * 1e-15 || i > k + 10_000) break;
    }
    return Math.min(1, sum);
  }
  let below = 0;
  for (let i = 0; i < k; i++) below += Math.exp(logTerm(i));
  return Math.max(0, 1 - below);
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials.push(logFactorials[i - 1]! + Math.log(i));
  return logFactorials[n]!;
}

export interface RisingRule {
  /** How many earlier periods form the baseline. */
  baselinePeriods: number;
  /** Flag when P(X ≥ observed) is below this. */
  significance: number;
  minCount: number;
}

export interface RisingVerdict {
  observed: number;
  baseline: number;
  pValue: number;
  rising: boolean;
}

/**
 * `history` is the counts of the baseline periods (oldest first, missing
 * periods as 0). A street with no calls at all in its baseline gets half a
 * call spread over it (λ = 0.5 / periods), so one call is not infinitely
 * surprising.
 */
export function risingVerdict(observed: number, history: readonly number[], rule: RisingRule): RisingVerdict {
  const periods = Math.max(1, history.length);
  const total = history.reduce((a, b) => a + b, 0);
  const baseline = Math.max(total, 0.5) / periods;
  const pValue = poissonUpperTail(observed, baseline);
  return { observed, baseline, pValue, rising: observed >= rule.minCount && pValue < rule.significance };
}
