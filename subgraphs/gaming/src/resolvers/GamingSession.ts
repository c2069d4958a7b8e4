import type { GamingSessionResolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../members/member-reference';

export const GamingSession: GamingSessionResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.session.load(reference.id),
  member: (session) => memberReference(session.member_id),
  gameType: (session, _, ctx) => ctx.loaders.gameType.load(session.game_type_id),
  gameTypeCode: (session) => session.game_type,
  tierCredits: (session) => session.tier_credits ?? null,
  creditStatus: (session) => session.credit?.status ?? null,
};
