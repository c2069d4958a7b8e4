import type { KeyRotationRunResolvers } from '../__generated__/resolvers-types';

export const KeyRotationRun: KeyRotationRunResolvers = {
  startedBy: (run, _, ctx) =>
    run.started_by.startsWith('service:') ? null : ctx.loaders.adminUser.load(run.started_by),
};
