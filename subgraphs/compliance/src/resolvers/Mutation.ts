import type { MutationResolvers } from '../__generated__/resolvers-types';
import { recordChanges } from '../audit/changes';
import { retentionEnforcementMutations } from '../retention/resolvers';
import { erasureMutations } from '../erasure/resolvers';

export const Mutation: MutationResolvers = {
  login: async (_, { input }, ctx) => recordChanges(ctx.audit, await ctx.services.auth.login(input, ctx.ip)),
  refreshToken: async (_, { input }, ctx) => recordChanges(ctx.audit, await ctx.services.auth.refresh(input)),
  logout: (_, { input }, ctx) => ctx.services.auth.logout(ctx.identity, input),
  beginTwoFactorEnrollment: async (_, __, ctx) => {
    // the secret is the one thing this mutation returns: even a failed attempt's entry keeps no input
    ctx.audit.setChanges(null, null);
    return recordChanges(ctx.audit, await ctx.services.twoFactor.begin(ctx.identity));
  },
  confirmTwoFactor: async (_, { code }, ctx) => {
    ctx.audit.setChanges(null, null);
    return recordChanges(ctx.audit, await ctx.services.twoFactor.confirm(ctx.identity, code));
  },
  createAdminUser: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.adminUsers.create(ctx.identity, input)),
  changeAdminRole: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.adminUsers.changeRole(ctx.identity, input)),
  deactivateAdminUser: async (_, { id }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.adminUsers.deactivate(ctx.identity, id)),
  resetAdminPassword: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.adminUsers.resetPassword(ctx.identity, input)),
  changeOwnPassword: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.adminUsers.changeOwnPassword(ctx.identity, input, ctx.ip)),
  recordAuditEvents: (_, { events }, ctx) => ctx.services.auditEvents.record(ctx.identity, events),
  generateComplianceReport: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.reports.generate(ctx.identity, input, ctx.log)),
  draftComplianceReport: async (_, { input }, ctx) =>
    recordChanges(
      ctx.audit,
      await ctx.services.reports.generate(ctx.identity, input, ctx.log, new Date(), 'draft'),
    ),
  completeComplianceReport: async (_, { id }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.reports.complete(ctx.identity, id)),
  submitComplianceReport: async (_, { id, submittedTo }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.reports.submit(ctx.identity, id, submittedTo)),
  approveComplianceReport: async (_, { id }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.reports.approve(ctx.identity, id)),
  createDataRetentionPolicy: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.retentionPolicies.create(ctx.identity, input)),
  approveDataRetentionPolicy: async (_, { id }, ctx) =>
    recordChanges(ctx.audit, await ctx.services.retentionPolicies.approve(ctx.identity, id)),
  rotateEncryptionKey: (_, { input }, ctx) => ctx.services.keyRotation.rotate(ctx.identity, input, ctx.log),
  ...retentionEnforcementMutations,
  ...erasureMutations,
};
