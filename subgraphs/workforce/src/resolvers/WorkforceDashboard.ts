import type { WorkforceDashboardResolvers } from '../__generated__/resolvers-types';

export const WorkforceDashboard: WorkforceDashboardResolvers = {
  // computed only when asked for (and allowed): it opens every salary in the dashboard's scope
  payroll: async (dashboard, _, ctx) => {
    const payroll = await ctx.services.dashboard.payroll(dashboard.scope);
    ctx.audit.record({
      action: 'pii.read',
      targetType: 'WorkforceDashboard',
      targetId: dashboard.scope ?? 'all-departments',
      changes: { before: null, after: { field: 'payroll' } },
    });
    return payroll;
  },
};
