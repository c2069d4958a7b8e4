import type { ComplianceReportResolvers } from '../__generated__/resolvers-types';

export const ComplianceReport: ComplianceReportResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.report.load(reference.id),
  generatedBy: async (report, _, ctx) => (await ctx.loaders.adminUser.load(report.generated_by))!,
  submittedBy: (report, _, ctx) =>
    report.submitted_by ? ctx.loaders.adminUser.load(report.submitted_by) : null,
  approvedBy: (report, _, ctx) =>
    report.approved_by ? ctx.loaders.adminUser.load(report.approved_by) : null,
  approvedAt: (report) => report.approved_at ?? null,
};
