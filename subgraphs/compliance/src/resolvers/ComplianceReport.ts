import type { ComplianceReportResolvers } from '../__generated__/resolvers-types';

export const ComplianceReport: ComplianceReportResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.report.load(reference.id),
  generatedBy: async (report, _, ctx) => (await ctx.loaders.adminUser.load(report.generated_by))!,
};
