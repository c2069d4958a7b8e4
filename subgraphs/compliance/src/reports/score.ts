import type { ComplianceViolation, ViolationSeverity } from './compliance-report-store';

/**
 * The compliance score, one formula for every report type: start from 100 and subtract, for each finding of
 * the report, the weight of its severity (critical 25, high 15, medium 5, low 1); the result is floored at 0.
 * A report without findings scores 100. Findings count whatever their status, as they are found when the
 * report is generated (all open).
 */
export const SCORE_START = 100;
export const SEVERITY_WEIGHTS: Readonly<Record<ViolationSeverity, number>> = {
  critical: 25,
  high: 15,
  medium: 5,
  low: 1,
};

export function complianceScore(violations: readonly Pick<ComplianceViolation, 'severity'>[]): number {
  const penalty = violations.reduce((sum, v) => sum + SEVERITY_WEIGHTS[v.severity], 0);
  return Math.max(0, SCORE_START - penalty);
}
