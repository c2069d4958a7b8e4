import type { QueryResolvers } from '../__generated__/resolvers-types';
import { complianceFeedQueries } from '../compliance-feed/compliance-feed';
import { sessionCreditTerms } from '../credits/session-credit-terms';
import { memberProfileQueries } from '../member-profiles/member-profiles';

export const Query: QueryResolvers = {
  ...complianceFeedQueries,
  ...memberProfileQueries,
  gamingSession: (_, { id }, ctx) => ctx.loaders.session.load(id),
  gamingSessions: (_, { filter, first, after }, ctx) =>
    ctx.services.sessions.page(filter ?? {}, { first, after }, ctx.paging),
  gameType: (_, { id }, ctx) => ctx.loaders.gameType.load(id),
  gameTypes: (_, { filter, first, after }, ctx) =>
    ctx.services.sessions.gameTypePage(filter ?? {}, { first, after }, ctx.paging),
  amlCashSummary: (_, args, ctx) => ctx.services.aml.summary(args),
  gamingSessionForCredit: async (_, { id }, ctx) => {
    const session = await ctx.loaders.session.load(id);
    return session && sessionCreditTerms(session, await ctx.loaders.gameType.load(session.game_type_id));
  },
  gamingDashboard: (_, { range }, ctx) => ctx.services.dashboard.dashboard(range),
  gamingPackage: (_, { id }, ctx) => ctx.loaders.gamingPackage.load(id),
  gamingPackages: (_, { filter, first, after }, ctx) =>
    ctx.services.purchases.packagePage(filter ?? {}, { first, after }, ctx.paging),
};
