import type { DataRetentionPolicyResolvers } from '../__generated__/resolvers-types';

export const DataRetentionPolicy: DataRetentionPolicyResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.retentionPolicy.load(reference.id),
  createdBy: async (policy, _, ctx) => (await ctx.loaders.adminUser.load(policy.created_by))!,
  approvedBy: (policy, _, ctx) =>
    policy.approved_by ? ctx.loaders.adminUser.load(policy.approved_by) : null,
};
