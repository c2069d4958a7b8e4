import { hasRoleOrPermission } from '@casino/auth';
import { maskDocumentNumber } from '@casino/graphql';
import type { WalkInGuestResolvers } from '../__generated__/resolvers-types';
import { memberReference } from '../references';

export const WalkInGuest: WalkInGuestResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.guest.load(reference.id),
  /** In full, and audited, for GeneralAdmin and above or the pii:read permission; masked for everyone else. */
  idDocument: (guest, _, ctx) => {
    if (!guest.id_document) return null;
    if (!hasRoleOrPermission(ctx.identity, 'GeneralAdmin', 'pii:read')) {
      return maskDocumentNumber(guest.id_document);
    }
    ctx.audit.record({
      action: 'pii.read',
      targetType: 'WalkInGuest',
      targetId: guest.id,
      changes: { before: null, after: { field: 'idDocument' } },
    });
    return guest.id_document;
  },
  convertedMember: (guest) => memberReference(guest.converted_member_id),
};
