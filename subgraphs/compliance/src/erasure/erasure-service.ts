import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { ServiceCallError } from '@casino/auth';
import type { Identity, ServiceClient } from '@casino/auth';
import { notFound, serviceUnavailable, validateInput } from '@casino/errors';
import { EraseGamingMemberDataDocument } from '@casino/gaming/operations';
import type { Logger } from '@casino/logger';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { EraseLoyaltyMemberDataDocument, ErasureMemberExistsDocument } from '@casino/loyalty/operations';
import { EraseMarketingMemberDataDocument } from '@casino/marketing/operations';
import type { ComplianceMemberErasure } from '../privacy/member-erasure';
import { ERASURE_STEPS } from './erasure-store';
import type {
  ErasureRequestDocument,
  ErasureRequestStore,
  ErasureStepResult,
  ErasureSubgraph,
} from './erasure-store';

/** Bounds of what an operator types into an erasure request. */
export const ERASURE_INPUT_LIMITS = {
  reasonMaxLength: 1_000,
  referenceMaxLength: 200,
  idMaxLength: 100,
} as const;

const eraseMemberSchema = z.object({
  memberId: z.string().trim().min(1, 'is required').max(ERASURE_INPUT_LIMITS.idMaxLength, 'is too long'),
  reason: z.string().trim().min(1, 'is required').max(ERASURE_INPUT_LIMITS.reasonMaxLength, 'is too long'),
  requestReference: z
    .string()
    .trim()
    .max(ERASURE_INPUT_LIMITS.referenceMaxLength, 'is too long')
    .nullish()
    .transform((value) => (value ? value : null)),
});

export type EraseMemberInput = z.input<typeof eraseMemberSchema>;

/** The other subgraphs' erasure steps, called as the compliance service. */
export interface ErasureUpstreams {
  loyalty: ServiceClient;
  marketing: ServiceClient;
  gaming: ServiceClient;
}

/** Compliance's own step, in-process: its privacy participant's erasure of what compliance holds. */
export interface ComplianceErasureStep {
  eraseMember(memberId: string, relatedTargetIds: readonly string[]): Promise<ComplianceMemberErasure>;
}

/** A step's outcome inside one attempt: the counts to record, and what later steps need from it. */
interface StepOutcome {
  counts: Record<string, number>;
  relatedTargetIds?: string[];
}

function numbers(record: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}

/**
 * The right to erasure (PDPA), owned by compliance: records the request, then runs every subgraph's step
 * (loyalty, marketing and gaming as their service-only mutations, compliance's own in-process), each
 * idempotent, and records each step's counts. A step that fails leaves the request `failed` naming the
 * subgraph (SERVICE_UNAVAILABLE); calling again resumes the same request and re-runs every step.
 */
export class ErasureService {
  constructor(
    private readonly store: ErasureRequestStore,
    private readonly upstreams: ErasureUpstreams,
    private readonly own: ComplianceErasureStep,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A page of erasure requests, most recent first. */
  page(args: PageArgs, paging: PagingConfig) {
    return this.store.page(args, paging);
  }

  /** Runs (or resumes) the member's erasure; failures are logged to `log` (the request's logger). */
  async eraseMember(
    identity: Identity,
    rawInput: EraseMemberInput,
    log?: Pick<Logger, 'warn'>,
  ): Promise<ErasureRequestDocument> {
    const input = validateInput(eraseMemberSchema, rawInput);
    await this.assertMemberExists(input.memberId, log);

    const now = this.clock();
    const request = await this.store.startAttempt({
      id: randomUUID(),
      member_id: input.memberId,
      reason: input.reason,
      request_reference: input.requestReference,
      requested_by: identity.kind === 'admin' ? identity.userId : null,
      requested_by_username:
        identity.kind === 'admin'
          ? identity.username
          : identity.kind === 'service'
            ? `service:${identity.service}`
            : null,
      requested_at: now,
      status: 'in_progress',
      attempts: 1,
      last_attempt_at: now,
      results: {},
      failed_subgraphs: [],
      completed_at: null,
    });

    const failed: ErasureSubgraph[] = [];
    const relatedTargetIds: string[] = [];
    for (const subgraph of ERASURE_STEPS) {
      let result: ErasureStepResult;
      try {
        const outcome = await this.runStep(subgraph, input.memberId, relatedTargetIds);
        relatedTargetIds.push(...(outcome.relatedTargetIds ?? []));
        result = { status: 'completed', counts: outcome.counts, finished_at: this.clock(), error: null };
      } catch (error) {
        failed.push(subgraph);
        log?.warn({ err: error, subgraph, erasureRequestId: request.id }, 'erasure step failed');
        result = { status: 'failed', counts: {}, finished_at: null, error: stepError(subgraph, error) };
      }
      await this.store.recordStep(request.id, subgraph, result);
    }
    return this.store.finishAttempt(request.id, failed, this.clock());
  }

  /** The error a failed attempt answers with; the request itself is stored (and returned by the query). */
  static failure(request: ErasureRequestDocument): GraphQLError {
    return serviceUnavailable(
      `The erasure could not be completed: ${request.failed_subgraphs.join(', ')} could not finish its step; ` +
        'the request is recorded as failed, run eraseMember again to resume it',
      { extensions: { subgraphs: request.failed_subgraphs, erasureRequestId: request.id } },
    );
  }

  private async assertMemberExists(memberId: string, log?: Pick<Logger, 'warn'>): Promise<void> {
    let member: { id: string } | null;
    try {
      // loyalty's member, asked before anything is stored: an unknown member is NOT_FOUND
      ({ member } = await this.upstreams.loyalty.request(ErasureMemberExistsDocument, { id: memberId }));
    } catch (error) {
      log?.warn({ err: error }, 'erasure: loyalty member check failed');
      throw serviceUnavailable(
        'loyalty could not be reached to check the member; nothing was erased, try again',
        { extensions: { subgraphs: ['loyalty'] } },
      );
    }
    if (!member) throw notFound('Member', memberId);
  }

  private async runStep(
    subgraph: ErasureSubgraph,
    memberId: string,
    relatedTargetIds: string[],
  ): Promise<StepOutcome> {
    switch (subgraph) {
      case 'loyalty': {
        const data = await this.upstreams.loyalty.request(EraseLoyaltyMemberDataDocument, { memberId });
        return { counts: numbers(data.eraseLoyaltyMemberData) };
      }
      case 'marketing': {
        const data = await this.upstreams.marketing.request(EraseMarketingMemberDataDocument, { memberId });
        const result = data.eraseMarketingMemberData;
        return {
          counts: numbers(result),
          relatedTargetIds: [...result.notificationIds, ...result.guestIds],
        };
      }
      case 'gaming': {
        const data = await this.upstreams.gaming.request(EraseGamingMemberDataDocument, { memberId });
        return { counts: numbers(data.eraseGamingMemberData) };
      }
      case 'compliance':
        return {
          counts: numbers({ ...(await this.own.eraseMember(memberId, relatedTargetIds)) }),
        };
    }
  }
}

/** What a failed step records: which subgraph and how, never the upstream's message (it may echo input). */
function stepError(subgraph: ErasureSubgraph, error: unknown): string {
  if (error instanceof ServiceCallError) {
    return error.code ? `${subgraph} answered ${error.code}` : `${subgraph} could not be reached`;
  }
  return `${subgraph} failed unexpectedly`;
}
