import { validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts } from '@casino/mongo';
import type { PrivacyParticipant } from '@casino/server';
import type { PackagePurchaseStore } from '../packages/purchase-store';
import type { GamingSessionStore } from '../sessions/session-store';

/** What gaming did when a member was erased: its records are kept under the member's pseudonymous id. */
export interface GamingMemberErasure {
  memberId: string;
  /** Gaming sessions kept (the law requires them, e.g. for AML) */
  sessionsKept: number;
  /** Package purchases kept (financial records) */
  packagePurchasesKept: number;
  /** Free-text personal fields cleared: gaming stores none about a member today, so 0 */
  personalFieldsCleared: number;
}

/**
 * Gaming's part in the member-data duties compliance coordinates.
 *
 * Erasure: gaming stores no name, contact detail or identity document of a member. Sessions (with their AML
 * data) and package purchases are kept as they are under the member's id, which alone identifies no one, and
 * there is no free-text note on them to clear. The step counts what it kept, so the erasure request records
 * it. Idempotent (it writes nothing).
 *
 * Retention: one bounded batch of compliance's `gaming_logs` policy over ended sessions (see
 * `GAMING_LOGS_TARGET`).
 */
export class GamingPrivacy implements PrivacyParticipant<unknown, RetentionCounts, GamingMemberErasure> {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly purchases: PackagePurchaseStore,
  ) {}

  async eraseMember(memberId: string): Promise<GamingMemberErasure> {
    const [sessionsKept, packagePurchasesKept] = await Promise.all([
      this.sessions.countByMember(memberId),
      this.purchases.countByMember(memberId),
    ]);
    return { memberId, sessionsKept, packagePurchasesKept, personalFieldsCleared: 0 };
  }

  applyRetention(input: unknown): Promise<RetentionCounts> {
    return this.sessions.applyRetention(validateRetentionInput(input));
  }
}
