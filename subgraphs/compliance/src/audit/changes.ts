import type { RequestAudit } from '@casino/audit';

/** What a service did: its answer, and the before and after the request's audit entry keeps. */
export interface Changed<T> {
  result: T;
  before: unknown;
  after: unknown;
}

/** Records what a service did in the request's audit entry and answers with its result. */
export function recordChanges<T>(audit: Pick<RequestAudit, 'setChanges'>, changed: Changed<T>): T {
  audit.setChanges(changed.before, changed.after);
  return changed.result;
}
