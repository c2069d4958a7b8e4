import type { MutationResolvers } from '../__generated__/resolvers-types';
import { retentionEnforcementMutations } from '../retention/resolvers';
import { erasureMutations } from '../erasure/resolvers';

export const Mutation: MutationResolvers = {
  login: (_, { input }, ctx) => ctx.services.auth.login(input, ctx.ip),
  refreshToken: (_, { input }, ctx) => ctx.services.auth.refresh(input),
  logout: (_, { input }, ctx) => ctx.services.auth.logout(ctx.identity, input),
  beginTwoFactorEnrollment: (_, __, ctx) => ctx.services.twoFactor.begin(ctx.identity),
  confirmTwoFactor: (_, { code }, ctx) => ctx.services.twoFactor.confirm(ctx.identity, code),
  createAdminUser: (_, { input }, ctx) => ctx.services.adminUsers.create(ctx.identity, input),
  changeAdminRole: (_, { input }, ctx) => ctx.services.adminUsers.changeRole(ctx.identity, input),
  deactivateAdminUser: (_, { id }, ctx) => ctx.services.adminUsers.deactivate(ctx.identity, id),
  resetAdminPassword: (_, { input }, ctx) => ctx.services.adminUsers.resetPassword(ctx.identity, input),
  changeOwnPassword: (_, { input }, ctx) =>
    ctx.services.adminUsers.changeOwnPassword(ctx.identity, input, ctx.ip),
  recordAuditEvents: (_, { events }, ctx) => ctx.services.auditEvents.record(ctx.identity, events),
  generateComplianceReport: (_, { input }, ctx) => ctx.services.reports.generate(ctx.identity, input),
  submitComplianceReport: (_, { id, submittedTo }, ctx) =>
    ctx.services.reports.submit(ctx.identity, id, submittedTo),
  approveComplianceReport: (_, { id }, ctx) => ctx.services.reports.approve(ctx.identity, id),
  createDataRetentionPolicy: (_, { input }, ctx) =>
    ctx.services.retentionPolicies.create(ctx.identity, input),
  approveDataRetentionPolicy: (_, { id }, ctx) => ctx.services.retentionPolicies.approve(ctx.identity, id),
  rotateEncryptionKey: (_, { input }, ctx) => ctx.services.keyRotation.rotate(ctx.identity, input),
  ...retentionEnforcementMutations,
  ...erasureMutations,
};
