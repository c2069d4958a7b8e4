import type { IndexPlan } from '@casino/mongo';
import { RETENTION_RUNS } from '../reports/report-builders';
import { AUDIT_RETENTION_INDEXES } from './audit-retention';
import { LEGAL_HOLDS, legalHoldIndexes } from './legal-hold-store';
import { retentionRunIndexes } from './retention-runner';

export const RETENTION_ENFORCEMENT_INDEXES: IndexPlan = {
  [RETENTION_RUNS]: retentionRunIndexes,
  [LEGAL_HOLDS]: legalHoldIndexes,
  ...AUDIT_RETENTION_INDEXES,
};
