import { maskDocumentNumber } from '@casino/graphql';
import type { WalkInGuestResolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../references';

export const WalkInGuest: WalkInGuestResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.guest.load(reference.id),
  idDocument: (guest) => maskDocumentNumber(guest.id_document),
  convertedMember: (guest) => memberReference(guest.converted_member_id),
};
