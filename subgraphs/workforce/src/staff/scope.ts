import { forbiddenError, hasRoleOrPermission, isAdmin } from '@casino/auth';
import type { Identity } from '@casino/auth';
import type { StaffMemberFilterInput, StaffMemberStore } from './staff-store';

/**
 * The department a caller's staff reads are confined to (PRODUCT.md §4): `null` for GeneralAdmin and above,
 * who read every department; the caller's own department for Managers and Supervisors. The rules refuse
 * everyone else before a resolver runs; throwing FORBIDDEN here is the second line, so a list can never
 * fall back to "no department filter" for a scoped caller.
 */
export function staffDepartmentScope(identity: Identity): string | null {
  if (hasRoleOrPermission(identity, 'GeneralAdmin')) return null;
  if (isAdmin(identity) && identity.department !== null) return identity.department;
  throw forbiddenError('Not allowed: staff can only be read within your own department');
}

/** The staff list filter with the caller's department forced in; another department is FORBIDDEN. */
export function scopedStaffFilter(
  filter: StaffMemberFilterInput,
  identity: Identity,
): StaffMemberFilterInput {
  const department = staffDepartmentScope(identity);
  if (department === null) return filter;
  if (filter.department != null && filter.department !== department) {
    throw forbiddenError('Not allowed: staff can only be read within your own department');
  }
  return { ...filter, department };
}

/** For Managers and Supervisors, the staff whose training records and reviews they may list (else all). */
export async function staffIdsInScope(
  staff: Pick<StaffMemberStore, 'idsInDepartment'>,
  identity: Identity,
): Promise<string[] | undefined> {
  const department = staffDepartmentScope(identity);
  return department === null ? undefined : staff.idsInDepartment(department);
}
