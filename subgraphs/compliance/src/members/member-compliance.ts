import { BATCH_OPTIONS } from '@casino/mongo';
import DataLoader from 'dataloader';
import type {
  ComplianceReportStore,
  MemberViolationRules,
  MemberViolationStats,
} from '../reports/compliance-report-store';
import { MEMBER_COMPLIANCE_RULES } from '../settings';

/** A Member as the router hands it over: its key plus the loyalty fields compliance @requires. */
export interface MemberReference {
  id: string;
  kycVerified: boolean;
  selfExcluded: boolean;
}

/** Violation stats per member id, one aggregation per batch; unmentioned members get empty stats. */
export function createMemberViolationLoader(
  reports: ComplianceReportStore,
  rules: MemberViolationRules = MEMBER_COMPLIANCE_RULES,
): DataLoader<string, MemberViolationStats> {
  return new DataLoader<string, MemberViolationStats>(async (memberIds) => {
    const stats = await reports.violationStatsByMember(memberIds, rules);
    const byMember = new Map(stats.map((s) => [s.memberId, s]));
    return memberIds.map(
      (memberId) =>
        byMember.get(memberId) ?? { memberId, openViolations: 0, amlFlagged: false, lastReportedAt: null },
    );
  }, BATCH_OPTIONS);
}
