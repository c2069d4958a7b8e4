import { z } from 'zod';
import { ROLE_RANK } from '@casino/auth';
import type { Identity } from '@casino/auth';

/** The casino's departments; campaigns and templates may belong to one. */
export const DEPARTMENTS = ['Gaming', 'F&B', 'Security', 'Management', 'Maintenance'] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** An optional department in a create input: one of the five, or null/absent for none. */
export const optionalDepartmentSchema = z
  .string()
  .refine((d) => (DEPARTMENTS as readonly string[]).includes(d), `must be one of ${DEPARTMENTS.join(', ')}`)
  .nullish()
  .transform((d) => d ?? null);

/** Who creates something, as the services record it. */
export interface Creator {
  /** The admin user, null when the caller is not one */
  userId: string | null;
  /** The department a creation gets when the input names none */
  defaultDepartment: string | null;
}

/**
 * A Manager's (or lower role's) creations belong to their own department; GeneralAdmin and above act for the
 * whole casino, so what they create belongs to no department unless they name one.
 */
export function creatorOf(identity: Identity): Creator {
  if (identity.kind !== 'admin') return { userId: null, defaultDepartment: null };
  const actsForWholeCasino = ROLE_RANK[identity.role] >= ROLE_RANK.GeneralAdmin;
  return { userId: identity.userId, defaultDepartment: actsForWholeCasino ? null : identity.department };
}
