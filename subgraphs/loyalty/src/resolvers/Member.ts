import { maskDocumentNumber } from '@casino/graphql';
import type { MemberResolvers } from '../__generated__/resolvers-types';

export const Member: MemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.member.load(reference.id),
  nicPassport: (member) => maskDocumentNumber(member.nic_passport),
  redemptions: (member, { first, after }, ctx) =>
    ctx.stores.redemptions.page({ memberId: member.id }, { first, after }, ctx.paging),
  pointsLedger: (member, { first, after }, ctx) =>
    ctx.stores.ledger.page({ memberId: member.id }, { first, after }, ctx.paging),
};
