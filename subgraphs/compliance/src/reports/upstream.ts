import type { GraphQLError } from 'graphql';
import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';
import type { Logger } from '@casino/logger';

/** A subgraph a report depends on could not answer: nothing was stored, the caller may retry. */
function upstreamUnavailable(service: string, cause?: unknown): GraphQLError {
  return serviceUnavailable(`${service} could not be reached for the compliance figures; try again shortly`, {
    cause,
    extensions: { service },
  });
}

/** Where a failed upstream call is logged. */
export type UpstreamLog = Pick<Logger, 'warn'>;

/** Calls another subgraph as the compliance service; any failure becomes SERVICE_UNAVAILABLE. */
export class Upstream {
  constructor(
    private readonly name: string,
    private readonly client: ServiceClient,
    private readonly log?: UpstreamLog,
  ) {}

  /** The same subgraph, its failures logged to `log` (a request's logger) when given. */
  loggingTo(log: UpstreamLog | undefined): Upstream {
    return log ? new Upstream(this.name, this.client, log) : this;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    try {
      return await this.client.request<T>(query, variables);
    } catch (error) {
      this.log?.warn({ err: error, service: this.name }, 'compliance upstream call failed');
      throw upstreamUnavailable(this.name, error);
    }
  }
}

/** Gaming's and loyalty's compliance queries (service only on their side). */
export const GAMING_AML_CASH = /* GraphQL */ `
  query ComplianceAmlCash($from: DateTime!, $to: DateTime!, $dayStartHour: Int!) {
    amlCashSummary(from: $from, to: $to, dayStartHour: $dayStartHour) {
      memberId
      gamingDay
      cashIn
      cashOut
      transactions {
        sessionId
        kind
        amount
        at
      }
    }
  }
`;

export const GAMING_CASH_COUNTS = /* GraphQL */ `
  query ComplianceCashCounts(
    $from: DateTime!
    $to: DateTime!
    $dayStartHour: Int!
    $ctrThreshold: Money!
    $mtlThreshold: Money!
  ) {
    complianceCashCounts(
      from: $from
      to: $to
      dayStartHour: $dayStartHour
      ctrThreshold: $ctrThreshold
      mtlThreshold: $mtlThreshold
    ) {
      ctrCount
      mtlCount
    }
  }
`;

export const GAMING_PLAY_VOLUMES = /* GraphQL */ `
  query CompliancePlayVolumes($from: DateTime!, $to: DateTime!, $minBuyIn: Money!) {
    compliancePlayVolumes(from: $from, to: $to, minBuyIn: $minBuyIn) {
      memberId
      buyIn
      sessionCount
    }
  }
`;

export const GAMING_RESPONSIBLE_GAMING = /* GraphQL */ `
  query ComplianceResponsibleGaming(
    $from: DateTime!
    $to: DateTime!
    $dayStartHour: Int!
    $longSessionMinutes: Int!
    $largeLoss: Money!
    $watchMemberIds: [ID!]!
    $asOf: DateTime!
  ) {
    responsibleGamingSummary(
      from: $from
      to: $to
      dayStartHour: $dayStartHour
      longSessionMinutes: $longSessionMinutes
      largeLoss: $largeLoss
      watchMemberIds: $watchMemberIds
      asOf: $asOf
    ) {
      sessionCount
      memberCount
      longSessions {
        sessionId
        memberId
        sessionStart
        durationMinutes
      }
      largeLossDays {
        memberId
        gamingDay
        netLoss
        sessionCount
      }
      watchedMembers {
        memberId
        sessionCount
        firstSessionAt
      }
    }
  }
`;

export const LOYALTY_MEMBER_COUNTS = /* GraphQL */ `
  query ComplianceMemberCounts {
    complianceMemberCounts {
      memberCount
      kycVerifiedCount
      selfExcludedCount
    }
  }
`;

export const LOYALTY_SELF_EXCLUDED = /* GraphQL */ `
  query ComplianceSelfExcluded {
    selfExcludedMemberIds
  }
`;

export const LOYALTY_MEMBERS_KYC = /* GraphQL */ `
  query ComplianceMembersKyc($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Member {
        id
        kycVerified
      }
    }
  }
`;

/** One page of active members whose identity document expires before a date (by expiry, then id). */
export const LOYALTY_EXPIRING_DOCUMENTS = /* GraphQL */ `
  query ComplianceExpiringDocuments($before: DateTime!, $first: Int!, $after: ID) {
    membersWithExpiringDocuments(before: $before, first: $first, after: $after) {
      members {
        memberId
        documentExpiry
        kycVerified
      }
      endCursor
      hasNextPage
    }
  }
`;

export interface ExpiringDocumentPage {
  members: { memberId: string; documentExpiry: string; kycVerified: boolean }[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface MemberCashDay {
  memberId: string;
  gamingDay: string;
  cashIn: string;
  cashOut: string;
  transactions: { sessionId: string; kind: 'cash_in' | 'cash_out'; amount: string; at: string }[];
}

export interface ResponsibleGamingSummary {
  sessionCount: number;
  memberCount: number;
  longSessions: { sessionId: string; memberId: string; sessionStart: string; durationMinutes: number }[];
  largeLossDays: { memberId: string; gamingDay: string; netLoss: string; sessionCount: number }[];
  watchedMembers: { memberId: string; sessionCount: number; firstSessionAt: string }[];
}

/** Exact cents of a Money string such as "1250.5" or "-3.25". */
export function cents(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a money amount: ${amount}`);
  const value = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -value : value;
}

/** A Money string with two decimals. */
export function moneyText(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
