import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  gamingSession: (_, { id }, ctx) => ctx.loaders.session.load(id),
  gamingSessions: (_, { filter, first, after }, ctx) =>
    ctx.stores.sessions.page(filter ?? {}, { first, after }, ctx.paging),
  gameType: (_, { id }, ctx) => ctx.loaders.gameType.load(id),
  gameTypes: (_, { filter, first, after }, ctx) =>
    ctx.stores.gameTypes.page(filter ?? {}, { first, after }, ctx.paging),
  amlCashSummary: (_, args, ctx) => ctx.services.aml.summary(args),
  gamingDashboard: (_, { range }, ctx) => ctx.services.dashboard.dashboard(range),
  gamingPackage: (_, { id }, ctx) => ctx.loaders.gamingPackage.load(id),
  gamingPackages: (_, { filter, first, after }, ctx) =>
    ctx.stores.packages.page(filter ?? {}, { first, after }, ctx.paging),
};
