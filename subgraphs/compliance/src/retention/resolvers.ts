import { recordChanges } from '../audit/changes';
import type {
  LegalHoldResolvers,
  MutationResolvers,
  RetentionRunResolvers,
} from '../__generated__/resolvers-types';

export const retentionEnforcementMutations: Pick<
  MutationResolvers,
  'runRetentionPolicy' | 'placeLegalHold' | 'releaseLegalHold'
> = {
  runRetentionPolicy: async (_, { id }, ctx) => {
    const run = await ctx.retentionEnforcement.runner.runNow(ctx.identity, id, new Date(), ctx.log);
    ctx.audit.setChanges(null, run);
    return run;
  },
  placeLegalHold: async (_, { input }, ctx) =>
    recordChanges(ctx.audit, await ctx.retentionEnforcement.legalHolds.place(ctx.identity, input)),
  releaseLegalHold: async (_, { id }, ctx) =>
    recordChanges(ctx.audit, await ctx.retentionEnforcement.legalHolds.release(ctx.identity, id)),
};

export const RetentionRun: RetentionRunResolvers = {
  policy: async (run, _, ctx) => (await ctx.loaders.retentionPolicy.load(run.policy_id))!,
  dataCategory: (run) => run.data_category,
  triggeredBy: (run) => run.triggered_by,
  startedAt: (run) => run.started_at,
  finishedAt: (run) => run.finished_at,
};

export const LegalHold: LegalHoldResolvers = {
  subjectId: (hold) => hold.subject_id,
  placedBy: async (hold, _, ctx) => (await ctx.loaders.adminUser.load(hold.placed_by))!,
  placedAt: (hold) => hold.placed_at,
  releasedBy: (hold, _, ctx) => (hold.released_by ? ctx.loaders.adminUser.load(hold.released_by) : null),
  releasedAt: (hold) => hold.released_at,
};
