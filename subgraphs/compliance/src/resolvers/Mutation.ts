import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  login: (_, { input }, ctx) => ctx.services.auth.login(input),
  refreshToken: (_, { input }, ctx) => ctx.services.auth.refresh(input),
  logout: (_, { input }, ctx) => ctx.services.auth.logout(ctx.identity, input),
  beginTwoFactorEnrollment: (_, __, ctx) => ctx.services.twoFactor.begin(ctx.identity),
  confirmTwoFactor: (_, { code }, ctx) => ctx.services.twoFactor.confirm(ctx.identity, code),
  createAdminUser: (_, { input }, ctx) => ctx.services.adminUsers.create(ctx.identity, input),
  changeAdminRole: (_, { input }, ctx) => ctx.services.adminUsers.changeRole(ctx.identity, input),
  deactivateAdminUser: (_, { id }, ctx) => ctx.services.adminUsers.deactivate(ctx.identity, id),
  resetAdminPassword: (_, { input }, ctx) => ctx.services.adminUsers.resetPassword(ctx.identity, input),
  changeOwnPassword: (_, { input }, ctx) => ctx.services.adminUsers.changeOwnPassword(ctx.identity, input),
  recordAuditEvents: (_, { events }, ctx) => ctx.services.auditEvents.record(events),
};
