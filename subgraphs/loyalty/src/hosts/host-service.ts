import { z } from 'zod';
import { forbiddenError, hasRoleOrPermission, inDepartmentScope, isAdmin } from '@casino/auth';
import type { Identity, ServiceClient } from '@casino/auth';
import { LocalTime } from '@casino/config';
import { badUserInput, serviceUnavailable, validateInput } from '@casino/errors';
import { checkDateRange } from '@casino/graphql';
import type { Logger } from '@casino/logger';
import { LoyaltyHostCandidateDocument } from '@casino/workforce/operations';
import type { LoyaltyHostCandidateQuery } from '@casino/workforce/operations';
import type { LoyaltyStores } from '../stores';
import type { LoyaltySettings } from '../settings';
import type { MemberDocument } from '../members/member-store';
import { centsOf } from '../comps/money';

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

/** The theo of a host's members, as gaming's membersTheo answers (gaming's contract test runs this document). */
export const HOST_PORTFOLIO_THEO = /* GraphQL */ `
  query LoyaltyHostPortfolioTheo($memberIds: [ID!]!, $window: DateRangeInput!) {
    membersTheo(memberIds: $memberIds, window: $window) {
      memberId
      theo
      sessions
      lastSessionEnd
    }
  }
`;

/** Gaming's figures for one member over the window (gaming owns sessions and their theo). */
export interface MemberTheoRecord {
  memberId: string;
  theo: string;
  sessions: number;
  lastSessionEnd: string | null;
}

export type TheoLookup = (
  memberIds: string[],
  window: { from: Date; to: Date },
  log?: Logger,
) => Promise<Map<string, MemberTheoRecord>>;

/** Asks gaming, as the loyalty service; without an answer there is no portfolio (SERVICE_UNAVAILABLE). */
export function gamingTheoLookup(gaming: ServiceClient): TheoLookup {
  return async (memberIds, window, log) => {
    if (memberIds.length === 0) return new Map();
    try {
      const data = await gaming.request<{ membersTheo: MemberTheoRecord[] }>(HOST_PORTFOLIO_THEO, {
        memberIds,
        window: { from: window.from.toISOString(), to: window.to.toISOString() },
      });
      return new Map(data.membersTheo.map((row) => [row.memberId, row]));
    } catch (error) {
      log?.warn({ err: error }, 'gaming theo lookup failed');
      throw serviceUnavailable(
        'Gaming could not be reached for the theo of the portfolio; try again shortly',
        {
          cause: error,
        },
      );
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
  /** The later of the member's last visit and the end of their last session in the window */
  lastVisit: Date | null;
  /** Local calendar days (the property's time zone) from the day of the last visit to today */
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
    private readonly theo: TheoLookup,
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
   * A host's members with gaming's theo of their sessions that ended in the window and the days since their last
   * visit (local calendar days at `now`: a visit at 23:50 is a day ago at 00:10), most theo first (then longest
   * away), at most LOYALTY_HOST_PORTFOLIO_LIMIT. FORBIDDEN outside the caller's department scope; empty for an
   * unknown staff member. The window is the caller's (its length in local days is checked like a dashboard's).
   */
  async portfolio(
    staffId: string,
    window: { from: Date; to: Date },
    identity: Identity,
    log?: Logger,
    now = new Date(),
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
    const theo = await this.theo(
      members.map((m) => m.id),
      window,
      log,
    );
    const local = new LocalTime(this.settings.timeZone);
    return members
      .map((member) => {
        const played = theo.get(member.id);
        // the later of loyalty's last visit (moved by credited sessions) and gaming's last session end
        const ended = played?.lastSessionEnd ? new Date(played.lastSessionEnd) : null;
        const lastVisit =
          ended && (!member.last_visit || ended > member.last_visit) ? ended : member.last_visit;
        return {
          member,
          theoCents: centsOf(played?.theo ?? '0'),
          sessions: played?.sessions ?? 0,
          lastVisit,
          daysSinceLastVisit: lastVisit ? local.calendarDaysBetween(lastVisit, now) : null,
        };
      })
      .sort(
        (a, b) =>
          b.theoCents - a.theoCents ||
          (b.daysSinceLastVisit ?? Infinity) - (a.daysSinceLastVisit ?? Infinity) ||
          a.member.id.localeCompare(b.member.id),
      );
  }
}
