import type { Db } from 'mongodb';
import { PACKAGE_PURCHASES } from '../packages/purchase-service';
import { GAMING_SESSIONS } from '../sessions/session-store';

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
 * The gaming step of the right to erasure. Gaming stores no name, contact detail or identity document of a
 * member: sessions (with their AML data) and package purchases are kept as they are under the member's id,
 * which alone identifies no one, and there is no free-text note on them to clear. The step counts what it
 * kept, so the erasure request records it. Idempotent (it writes nothing).
 */
export class GamingMemberErasureService {
  constructor(private readonly db: Db) {}

  async erase(memberId: string): Promise<GamingMemberErasure> {
    const [sessionsKept, packagePurchasesKept] = await Promise.all([
      this.db.collection(GAMING_SESSIONS).countDocuments({ member_id: memberId }),
      this.db.collection(PACKAGE_PURCHASES).countDocuments({ member_id: memberId }),
    ]);
    return { memberId, sessionsKept, packagePurchasesKept, personalFieldsCleared: 0 };
  }
}
