import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conflict, notFound, validateInput } from '@casino/errors';
import type { Identity } from '@casino/auth';
import { adminOf } from '../admins/caller';
import type { Changed } from '../audit/changes';
import type { LegalHoldDocument, LegalHoldStore } from './legal-hold-store';

const placeSchema = z.object({
  subjectId: z.string().trim().min(1, 'is required').max(100),
  reason: z.string().trim().min(1, 'must say why').max(500),
});

/** placeLegalHold / releaseLegalHold (GeneralAdmin+). */
export class LegalHoldService {
  constructor(private readonly holds: LegalHoldStore) {}

  async place(identity: Identity, raw: unknown, now = new Date()): Promise<Changed<LegalHoldDocument>> {
    const caller = adminOf(identity);
    const input = validateInput(placeSchema, raw);
    const hold: LegalHoldDocument = {
      id: randomUUID(),
      subject_id: input.subjectId,
      reason: input.reason,
      placed_by: caller.userId,
      placed_at: now,
      released_by: null,
      released_at: null,
      active_subject_id: input.subjectId,
    };
    if (!(await this.holds.insertActive(hold))) {
      throw conflict(`${input.subjectId} is already on legal hold`, 'input.subjectId');
    }
    return { result: hold, before: null, after: { ...hold } };
  }

  async release(identity: Identity, id: string, now = new Date()): Promise<Changed<LegalHoldDocument>> {
    const caller = adminOf(identity);
    const released = await this.holds.release(id, caller.userId, now);
    if (!released) {
      if (!(await this.holds.exists(id))) throw notFound('LegalHold', id);
      throw conflict('This legal hold is already released', 'id');
    }
    return { result: released, before: { id, released_at: null }, after: { id, released_at: now } };
  }
}
