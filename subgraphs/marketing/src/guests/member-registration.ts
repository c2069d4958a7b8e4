import { GraphQLError } from 'graphql';
import { ServiceCallError } from '@casino/auth';
import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';
import { RegisterMemberFromWalkInDocument } from '@casino/loyalty/operations';
import type { RegisterMemberFromWalkInMutationVariables } from '@casino/loyalty/operations';

/** What loyalty needs to enrol a member, as its RegisterMemberInput. */
export type WalkInMemberDetails = RegisterMemberFromWalkInMutationVariables['input'];

/** Registers the member a guest becomes; answers with the member's id (the same one for a retried guest). */
export type WalkInMemberRegistration = (guestId: string, details: WalkInMemberDetails) => Promise<string>;

/** Loyalty's input fields as the conversion's input names them (the document is the guest's own). */
const FIELDS: Record<string, string> = {
  'input.nicPassport': 'input.id',
  'input.firstName': 'input.id',
  'input.lastName': 'input.id',
  'input.nationality': 'input.id',
  'input.email': 'input.member.email',
  'input.phone': 'input.member.phone',
  'input.dateOfBirth': 'input.member.dateOfBirth',
  'input.documentExpiry': 'input.member.documentExpiry',
  'input.preferences': 'input.member.preferences',
};

/** The refusals loyalty explains to the caller; anything else means loyalty could not answer. */
const PASSED_ON = new Set(['CONFLICT', 'BAD_USER_INPUT']);

/**
 * Asks loyalty, which owns members, as marketing's service identity. Loyalty's refusal (a member with this
 * identity document exists, a detail it does not accept) reaches the caller with its code and the
 * field of the conversion's input it concerns; without an answer the conversion stops, SERVICE_UNAVAILABLE.
 */
export function loyaltyWalkInRegistration(loyalty: ServiceClient): WalkInMemberRegistration {
  return async (guestId, details) => {
    try {
      const data = await loyalty.request(RegisterMemberFromWalkInDocument, {
        walkInGuestId: guestId,
        input: details,
      });
      return data.registerMemberFromWalkIn.id;
    } catch (error) {
      if (error instanceof ServiceCallError && error.code && PASSED_ON.has(error.code)) {
        const refusal = error.errors[0]!;
        const field = typeof refusal.extensions?.field === 'string' ? refusal.extensions.field : null;
        const named = field ? (FIELDS[field] ?? 'input') : null;
        const message = field && named ? refusal.message.replace(field, named) : refusal.message;
        throw new GraphQLError(message, {
          extensions: { code: error.code, ...(named ? { field: named } : {}) },
        });
      }
      throw serviceUnavailable('Loyalty could not be reached to register the member; try again shortly', {
        cause: error,
      });
    }
  };
}
