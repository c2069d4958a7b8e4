/**
 * What the embedded-store benchmark asks: the 100-member 360° page (the gateway benchmark's `members-100`) and
 * every subgraph's dashboard over the last 30 days, each asking for all of its figures.
 */
import { COMPLIANCE_DASHBOARD } from '@casino/compliance/testing';
import { LOYALTY_DASHBOARD } from '@casino/loyalty/testing';
import { MARKETING_DASHBOARD } from '@casino/marketing/testing';
import { benchOperations } from '../gateway/operations';
import type { BenchOperation } from '../gateway/operations';

const WORKFORCE_DASHBOARD = /* GraphQL */ `
  query WorkforceDashboard($range: DateRangeInput!) {
    workforceDashboard(range: $range) {
      from
      to
      headcount {
        department
        employmentStatus
        count
      }
      totals {
        activeHeadcount
        averagePerformanceScore
        averageCommitmentScore
        trainingCompletionRate
        overdueTrainingCount
        staffWithOverdueTraining
        reviewsDueInRange
      }
      byDepartment {
        department
        activeHeadcount
        averagePerformanceScore
        trainingCompletionRate
        overdueTrainingCount
        reviewsDueInRange
      }
      payroll {
        staffCount
        totalSalary
        averageSalary
        byDepartment {
          department
          staffCount
          totalSalary
          averageSalary
        }
      }
    }
  }
`;

const DAY_MS = 86_400_000;

/** The measured operations; `now` is the seed's reference instant (the 30-day range ends the day after it). */
export function embeddedOperations(now: Date): BenchOperation[] {
  const gateway = benchOperations(now);
  const pick = (name: string) => {
    const operation = gateway.find((o) => o.name === name);
    if (!operation) throw new Error(`bench/gateway/operations.ts has no ${name}`);
    return operation;
  };
  const to = new Date(now.getTime() + DAY_MS);
  const range = { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: to.toISOString() };
  const dashboard = (name: string, operationName: string, query: string): BenchOperation => ({
    name,
    description: `${operationName} over 30 days`,
    query,
    operationName,
    variables: { range },
  });
  return [
    pick('members-100'),
    { ...pick('dashboard-30d'), name: 'gaming-dashboard' },
    dashboard('loyalty-dashboard', 'LoyaltyDashboard', LOYALTY_DASHBOARD),
    dashboard('marketing-dashboard', 'MarketingDashboard', MARKETING_DASHBOARD),
    dashboard('compliance-dashboard', 'ComplianceDashboard', COMPLIANCE_DASHBOARD),
    dashboard('workforce-dashboard', 'WorkforceDashboard', WORKFORCE_DASHBOARD),
  ];
}
