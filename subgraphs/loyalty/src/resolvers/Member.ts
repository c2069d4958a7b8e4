import type { MemberResolvers } from '../__generated__/resolvers-types';

/** Shows only the last four characters of an identity document number. */
export function maskDocumentNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  return `****${value.slice(-4)}`;
}

export const Member: MemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.member.load(reference.id),
  nicPassport: (member) => maskDocumentNumber(member.nic_passport),
  redemptions: (member, { first, after }, ctx) =>
    ctx.stores.redemptions.page({ memberId: member.id }, { first, after }, ctx.paging),
  pointsLedger: (member, { first, after }, ctx) =>
    ctx.stores.ledger.page({ memberId: member.id }, { first, after }, ctx.paging),
};
