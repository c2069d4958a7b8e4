import type { ComplianceFindingResolvers, ComplianceReportResolvers } from '../__generated__/resolvers-types';
import type { MemberReference } from '../members/member-compliance';
import { findingsOf } from '../reports/findings';

export const ComplianceReport: ComplianceReportResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.report.load(reference.id),
  generatedBy: async (report, _, ctx) => (await ctx.loaders.adminUser.load(report.generated_by))!,
  submittedBy: (report, _, ctx) =>
    report.submitted_by ? ctx.loaders.adminUser.load(report.submitted_by) : null,
  approvedBy: (report, _, ctx) =>
    report.approved_by ? ctx.loaders.adminUser.load(report.approved_by) : null,
  approvedAt: (report) => report.approved_at ?? null,
  completedBy: (report, _, ctx) =>
    report.completed_by ? ctx.loaders.adminUser.load(report.completed_by) : null,
  completedAt: (report) => report.completed_at ?? null,
  findings: (report, { memberId }) => findingsOf(report, memberId),
};

export const ComplianceFinding: ComplianceFindingResolvers = {
  // the key alone: the gateway asks loyalty for the member's fields (and for kycVerified and selfExcluded
  // before it asks compliance for complianceStatus)
  member: (finding) => (finding.memberId ? ({ id: finding.memberId } as MemberReference) : null),
};
