import { badUserInput } from '@casino/errors';
import type { StaffMemberStore } from './staff-store';

/**
 * Whether `ancestorId` is `startId` or above it in the reporting chain (its manager, their manager, ...).
 * Walks up at most `maxDepth` levels; a longer chain (or a cycle already stored) is refused as bad input on
 * `field` rather than looping.
 */
export async function isInChainAbove(
  staff: StaffMemberStore,
  startId: string,
  ancestorId: string,
  maxDepth: number,
  field: string,
): Promise<boolean> {
  let current: string | null = startId;
  for (let depth = 0; depth <= maxDepth; depth++) {
    if (current === null) return false;
    if (current === ancestorId) return true;
    current = await staff.managerIdOf(current);
  }
  throw badUserInput(field, `the reporting chain is deeper than ${maxDepth} levels`);
}
