import type {
  ErasureRequestResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers-types';
import { ErasureService } from './erasure-service';
import { ERASURE_STEPS } from './erasure-store';

/** `ErasureRequest` from its stored document: steps in the order they run, counts as name/count pairs. */
export const ErasureRequest: ErasureRequestResolvers = {
  memberId: (request) => request.member_id,
  requestReference: (request) => request.request_reference,
  requestedBy: (request, _, ctx) =>
    request.requested_by ? ctx.loaders.adminUser.load(request.requested_by) : null,
  requestedByUsername: (request) => request.requested_by_username,
  requestedAt: (request) => request.requested_at,
  lastAttemptAt: (request) => request.last_attempt_at,
  failedSubgraphs: (request) => request.failed_subgraphs,
  completedAt: (request) => request.completed_at,
  steps: (request) =>
    ERASURE_STEPS.flatMap((subgraph) => {
      const result = request.results[subgraph];
      if (!result) return [];
      return [
        {
          subgraph,
          status: result.status,
          counts: Object.entries(result.counts).map(([name, count]) => ({ name, count })),
          finishedAt: result.finished_at,
          error: result.error,
        },
      ];
    }),
};

export const erasureQueries: Pick<QueryResolvers, 'erasureRequests'> = {
  erasureRequests: (_, { first, after }, ctx) => ctx.erasure.service.page({ first, after }, ctx.paging),
};

export const erasureMutations: Pick<MutationResolvers, 'eraseMember'> = {
  eraseMember: async (_, { input }, ctx) => {
    const request = await ctx.erasure.service.eraseMember(ctx.identity, input, ctx.log);
    // the request as stored: the member id, the operator's reason and the counts; no personal value
    ctx.audit.setChanges(null, {
      id: request.id,
      memberId: request.member_id,
      reason: request.reason,
      requestReference: request.request_reference,
      status: request.status,
      attempts: request.attempts,
      failedSubgraphs: request.failed_subgraphs,
    });
    if (request.status === 'failed') throw ErasureService.failure(request);
    return request;
  },
};
