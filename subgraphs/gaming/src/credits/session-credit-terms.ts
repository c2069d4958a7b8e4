import type { Decimal128 } from 'mongodb';
import { toMoney } from '@casino/mongo';
import type { GameTypeDocument } from '../game-types/game-type-store';
import type { GamingSessionDocument, GamingSessionStatus } from '../sessions/session-store';

/**
 * The numbers a session's points credit is made of, shaped like the GraphQL GamingSessionCreditCheck type:
 * what the credit dispatcher sends to loyalty and what loyalty's check reads back (gamingSessionForCredit),
 * computed in this one place so the two can never disagree.
 */
export interface SessionCreditTerms {
  id: string;
  memberId: string;
  status: GamingSessionStatus;
  theo: Decimal128;
  /** The game type's points rate; null when the game type is gone and nothing can be credited */
  pointsRate: number | null;
  endedAt: Date | null;
}

export function sessionCreditTerms(
  session: GamingSessionDocument,
  gameType: Pick<GameTypeDocument, 'points_rate'> | null | undefined,
): SessionCreditTerms {
  return {
    id: session.id,
    memberId: session.member_id,
    status: session.status,
    theo: session.theo ?? toMoney('0.00'),
    pointsRate: gameType?.points_rate ?? null,
    endedAt: session.session_end,
  };
}
