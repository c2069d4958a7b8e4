import { scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../members/member-reference';
import { purchaseStatus } from '../packages/purchase-service';
import { GamingSession } from './GamingSession';
import { Member } from './Member';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { deadLetterMutation, deadLetterQuery } from './dead-letters';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...Query, ...deadLetterQuery },
  Mutation: { ...Mutation, ...deadLetterMutation },
  Member,
  GamingSession,
  GameType: {
    __resolveReference: (reference, ctx) => ctx.loaders.gameType.load(reference.id),
  },
  MemberCashDay: {
    member: (day) => memberReference(day.memberId),
  },
  PlayerTheo: {
    member: (player) => memberReference(player.memberId),
  },
  GamingPackagePurchase: {
    member: (purchase) => memberReference(purchase.member_id),
    package: (purchase, _, ctx) => ctx.loaders.gamingPackage.load(purchase.package_id),
    status: (purchase) => purchaseStatus(purchase),
  },
  GamingPackage: {
    __resolveReference: (reference, ctx) => ctx.loaders.gamingPackage.load(reference.id),
  },
};
