import { badUserInput } from '@casino/errors';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types';

export const deadLetterQuery: Pick<QueryResolvers, 'complianceDeadLetters'> = {
  complianceDeadLetters: (_parent, { first }, ctx) => {
    const limit = first ?? 50;
    if (limit < 1 || limit > ctx.paging.maxSize) {
      throw badUserInput('first', `must be between 1 and ${ctx.paging.maxSize}`);
    }
    return ctx.deadLetters.page(limit);
  },
};

export const deadLetterMutation: Pick<MutationResolvers, 'retryComplianceDeadLetter'> = {
  retryComplianceDeadLetter: (_parent, { id }, ctx) => ctx.deadLetters.retry(id),
};
