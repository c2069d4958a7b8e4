import { z } from 'zod';
import { forbiddenError, hasRoleOrPermission, inDepartmentScope, isAdmin } from '@casino/auth';
import type { Identity, ServiceClient } from '@casino/auth';
import { DAY_MS } from '@casino/config';
import { badUserInput, serviceUnavailable, validateInput } from '@casino/errors';
import { checkDateRange } from '@casino/graphql';
import type { Logger } from '@casino/logger';
import { LoyaltyHostCandidateDocument } from '@casino/workforce/operations';
import type { LoyaltyHostCandidateQuery } from '@casino/workforce/operations';
import type { LoyaltyStores } from '../stores';
import type { LoyaltySettings } from '../settings';
import type { MemberDocument } from '../members/member-store';

/** Workforce's answer about a staff member: employed or not, and where (null: no such staff member). */
export type HostCandidate = NonNullable<LoyaltyHostCandidateQuery['hostCandidate']>;
export type HostLookup = (staffId: string, log?: Logger) => Promise<HostCandidate | null>;

/** Asks workforce, as the loyalty service; without an answer nothing is decided (SERVICE_UNAVAILABLE). */
export function workforceHostLookup(workforce: ServiceClient): HostLookup {
  return async (staffId, log) => {
    try {
      return (await workforce.request(LoyaltyHostCandidateDocument, { id: staffId })).hostCandidate ?? null;
    } catch (error) {
      log?.warn({ err: error }, 'workforce host check failed');
      throw serviceUnavailable('Workforce could not be reached to check the host; try again shortly', {
        cause: error,
      });
    }
  };
}

const assignSchema = z.object({
  memberId: z.string().trim().min(1, 'is required'),
  staffId: z.string().trim().min(1, 'must not be empty').nullish(),
});

/** What assigning a host changed: the member's host before and after. */
export interface HostChange {
  /** The member after the change */
  member: MemberDocument;
  memberId: string;
  before: string | null;
  after: string | null;
}

/** A workforce StaffMember as loyalty knows it: its id (loyalty adds the host's portfolio to the entity). */
export interface StaffMemberReference {
  id: string;
}

/** One member of a host's portfolio over a window. */
export interface HostedMemberRow {
  member: Pick<MemberDocument, 'id' | 'last_visit' | 'tier' | 'is_active'>;
  theoCents: number;
  sessions: number;
  daysSinceLastVisit: number | null;
}

/**
 * Hosts: a member may have a host, a workforce StaffMember (loyalty stores its id on the member). Workforce
 * answers whether a staff member is employed and in which department (its service-only hostCandidate), so a
 * Manager assigns only an active staff member of a department they may act in, and a caller sees a host's
 * portfolio only where they may see that staff member (Managers and Supervisors: their own department).
 */
export class HostService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly lookup: HostLookup,
  ) {}

  /** Assigns (or, with no staffId, removes) a member's host. */
  async assign(raw: z.input<typeof assignSchema>, identity: Identity, log?: Logger): Promise<HostChange> {
    const input = validateInput(assignSchema, raw);
    const member = await this.stores.members.findById(input.memberId);
    if (!member) throw badUserInput('memberId', 'no member with this id');
    if (input.staffId) {
      const candidate = await this.lookup(input.staffId, log);
      if (!candidate) throw badUserInput('staffId', 'no staff member with this id');
      if (!inDepartmentScope(identity, candidate.department)) {
        throw forbiddenError('Not allowed: a host is assigned within your own department');
      }
      if (!candidate.active) throw badUserInput('staffId', 'this staff member is not active');
    }
    const after = input.staffId ?? null;
    const before = (await this.stores.members.change(member.id, { host_staff_id: after })) ?? member;
    return {
      member: { ...before, host_staff_id: after },
      memberId: member.id,
      before: before.host_staff_id ?? null,
      after,
    };
  }

  /**
   * A host's members with the theo of their sessions credited in the window and the days since their last
   * visit, most theo first (then longest away), at most LOYALTY_HOST_PORTFOLIO_LIMIT. FORBIDDEN outside the
   * caller's department scope; empty for an unknown staff member.
   */
  async portfolio(
    staffId: string,
    window: { from: Date; to: Date },
    identity: Identity,
    log?: Logger,
  ): Promise<HostedMemberRow[]> {
    checkDateRange(
      window,
      this.settings.maxDashboardRangeDays,
      { from: 'window.from', to: 'window.to', name: 'window' },
      this.settings.timeZone,
    );
    if (!isAdmin(identity)) throw forbiddenError('Not allowed');
    if (!hasRoleOrPermission(identity, 'GeneralAdmin')) {
      const candidate = await this.lookup(staffId, log);
      if (!candidate) return [];
      if (!inDepartmentScope(identity, candidate.department)) {
        throw forbiddenError('Not allowed: staff can only be read within your own department');
      }
    }
    const members = await this.stores.members.hostedBy(staffId, this.settings.hostPortfolioLimit);
    const theo = await this.stores.ledger.theoOf(
      members.map((m) => m.id),
      window,
    );
    const now = Date.now();
    return members
      .map((member) => ({
        member,
        theoCents: theo.get(member.id)?.theoCents ?? 0,
        sessions: theo.get(member.id)?.sessions ?? 0,
        daysSinceLastVisit: member.last_visit
          ? Math.floor((now - member.last_visit.getTime()) / DAY_MS)
          : null,
      }))
      .sort(
        (a, b) =>
          b.theoCents - a.theoCents ||
          (b.daysSinceLastVisit ?? Infinity) - (a.daysSinceLastVisit ?? Infinity) ||
          a.member.id.localeCompare(b.member.id),
      );
  }
}
