import { scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { GamingSession } from './GamingSession';
import { Member } from './Member';
import { Mutation } from './Mutation';
import { Query } from './Query';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  Member,
  GamingSession,
  GameType: {
    __resolveReference: (reference, ctx) => ctx.loaders.gameType.load(reference.id),
  },
  GamingPackage: {
    __resolveReference: (reference, ctx) => ctx.loaders.gamingPackage.load(reference.id),
  },
};
