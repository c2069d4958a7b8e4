import { forbiddenError } from '@casino/auth';
import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable, validateInput } from '@casino/errors';
import type { Logger } from '@casino/logger';
import { toMoney } from '@casino/mongo';
import { creditSchema } from './points-service';
import type { CreditGamingSessionInput, GamingSessionCredit, PointsService } from './points-service';

/** Gaming's record of a session, as its credit check answers (gaming owns sessions and their numbers). */
export const GAMING_SESSION_FOR_CREDIT = /* GraphQL */ `
  query LoyaltySessionCreditCheck($id: ID!) {
    gamingSessionForCredit(id: $id) {
      id
      memberId
      status
      theo
      pointsRate
      endedAt
    }
  }
`;

export interface GamingSessionRecord {
  id: string;
  memberId: string;
  status: string;
  theo: string;
  pointsRate: number | null;
  endedAt: string | null;
}

/** How loyalty reads gaming's record of a session (a failure logged to `log`); null when gaming has none. */
export type GamingSessionLookup = (sessionId: string, log?: Logger) => Promise<GamingSessionRecord | null>;

/**
 * Asks gaming, as the loyalty service. Without an answer nothing is credited: SERVICE_UNAVAILABLE, which
 * gaming's credit dispatcher treats like any failed delivery (the credit stays pending and is retried).
 */
export function gamingSessionLookup(gaming: ServiceClient): GamingSessionLookup {
  return async (sessionId, log) => {
    try {
      const data = await gaming.request<{ gamingSessionForCredit: GamingSessionRecord | null }>(
        GAMING_SESSION_FOR_CREDIT,
        { id: sessionId },
      );
      return data.gamingSessionForCredit;
    } catch (error) {
      log?.warn({ err: error, sessionId }, 'gaming session credit check failed');
      throw serviceUnavailable('Gaming could not be reached to check the session; try again shortly', {
        cause: error,
      });
    }
  };
}

type CheckedInput = ReturnType<typeof creditSchema.parse>;

/** What differs between a credit and gaming's record (field names only: no amounts in logs). */
function mismatches(input: CheckedInput, record: GamingSessionRecord | null): string[] {
  if (!record) return ['sessionId'];
  const found: string[] = [];
  if (record.id !== input.sessionId) found.push('sessionId');
  if (record.status !== 'completed' || record.endedAt === null) found.push('status');
  if (record.memberId !== input.memberId) found.push('memberId');
  if (toMoney(record.theo).toString() !== toMoney(input.theo.toString()).toString()) found.push('theo');
  if (record.pointsRate === null || record.pointsRate !== input.pointsRate) found.push('pointsRate');
  if (record.endedAt !== null && new Date(record.endedAt).getTime() !== input.endedAt.getTime()) {
    found.push('endedAt');
  }
  return found;
}

/**
 * creditGamingSession as loyalty serves it: the caller's numbers are never trusted. A credit is posted only
 * when gaming, which owns sessions, confirms a completed session of that member with exactly that theo,
 * points rate and end; a retry of a credit already applied is answered from the ledger without asking.
 */
export class GamingSessionCredits {
  constructor(
    private readonly points: PointsService,
    private readonly findSession: GamingSessionLookup,
  ) {}

  /** `log` is the request's logger (a refusal and a failed check are logged there). */
  async credit(raw: CreditGamingSessionInput, log?: Logger): Promise<GamingSessionCredit> {
    const input = validateInput(creditSchema, raw);
    // exactly-once: the first credit was checked before it was posted, so its retry needs no second check
    const applied = await this.points.findAppliedSessionCredit(input.sessionId, input.memberId);
    if (applied) return applied;
    const record = await this.findSession(input.sessionId, log);
    const differing = mismatches(input, record);
    if (differing.length > 0) {
      log?.warn(
        { sessionId: input.sessionId, fields: differing },
        'gaming session credit refused: it does not match gaming',
      );
      // FORBIDDEN, not BAD_USER_INPUT: the input is well formed, but it claims points gaming does not
      // vouch for (a replayed or forged credit); the refusal is audited as denied, and which field differed
      // is logged, not returned, so a caller cannot probe gaming's sessions through it
      throw forbiddenError("The session does not match gaming's record; nothing was credited");
    }
    return this.points.creditGamingSession(input);
  }
}
