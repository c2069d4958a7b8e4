import type { MemberResolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../members/member-reference';
import { sessionListReads } from './GamingSession';

/** Loyalty owns Member; gaming answers only its own fields, batched across every member in the request. */
export const Member: MemberResolvers = {
  __resolveReference: (reference) => memberReference(reference.id),
  gamingSessions: (member, { first, status }, ctx, info) =>
    ctx.loaders.memberSessions(first, status ?? null, sessionListReads(info)).load(member.id),
  playStats: (member, _, ctx) => ctx.loaders.playStats.load(member.id),
  averageDailyTheo: (member, { days }, ctx) => ctx.loaders.averageDailyTheo(days).load(member.id),
  gamingPackages: (member, { includeExpired }, ctx) =>
    ctx.loaders.memberPackages(includeExpired ?? false).load(member.id),
};
