import { z } from 'zod';

export const DEPARTMENTS = ['Gaming', 'F&B', 'Security', 'Management', 'Maintenance'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const departmentSchema = z.enum(DEPARTMENTS, {
  error: `must be one of ${DEPARTMENTS.join(', ')}`,
});
