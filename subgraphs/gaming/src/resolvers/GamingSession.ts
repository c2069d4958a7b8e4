import type { GraphQLResolveInfo } from 'graphql';
import { projectionOf, selectedFieldNames } from '@casino/graphql';
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

/** The stored fields each GamingSession resolver above reads (one missing here makes a list read whole sessions). */
const SESSION_READS: Record<string, readonly string[]> = {
  member: ['member_id'],
  gameType: ['game_type_id'],
  gameTypeCode: ['game_type'],
  tierCredits: ['tier_credits'],
  creditStatus: ['credit.status'],
};

/** What a list of sessions selected at `info` reads of each stored session (null: whole sessions). */
export const sessionListReads = (info: GraphQLResolveInfo) =>
  projectionOf(selectedFieldNames(info), {
    resolved: SESSION_READS,
    resolverFields: Object.keys(GamingSession),
  });
