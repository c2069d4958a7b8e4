import { revealIdentityDocument } from '@casino/audit';
import type { WalkInGuestResolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../references';

export const WalkInGuest: WalkInGuestResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.guest.load(reference.id),
  /** In full, and audited, for GeneralAdmin and above or the pii:read permission; masked for everyone else. */
  idDocument: (guest, _, ctx) =>
    revealIdentityDocument(ctx, guest.id_document, {
      type: 'WalkInGuest',
      id: guest.id,
      field: 'idDocument',
      collection: 'walk_in_guests',
      storedField: 'id_document',
    }),
  convertedMember: (guest) => memberReference(guest.converted_member_id),
};
