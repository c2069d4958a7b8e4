import type DataLoader from 'dataloader';
import type { SubgraphRequestBase } from '@casino/server';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import type { WorkforceServices } from './services';
import type { StaffMemberDocument } from './staff/staff-store';
import type { TrainingCourseDocument } from './training/course-store';
import type { TrainingRecordDocument } from './training/training-record-store';

export type { WorkforceServices, WorkforceStores } from './services';

/**
 * One request: its identity and audit handle (the base), its loaders, and the process-wide services; never the
 * stores (the loaders are built from them).
 */
export interface WorkforceContext extends SubgraphRequestBase, Omit<WorkforceServices, 'stores'> {
  loaders: {
    staffMember: DataLoader<string, StaffMemberDocument | null>;
    /** Direct reports keyed by their manager's id */
    directReports: DataLoader<string, StaffMemberDocument[]>;
    course: DataLoader<string, TrainingCourseDocument | null>;
    trainingRecord: DataLoader<string, TrainingRecordDocument | null>;
    performanceReview: DataLoader<string, PerformanceReviewDocument | null>;
  };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createWorkforceContext(
  base: SubgraphRequestBase,
  services: WorkforceServices,
): WorkforceContext {
  const { stores, ...shared } = services;
  return {
    ...base,
    ...shared,
    loaders: {
      staffMember: stores.staff.byIdLoader(),
      directReports: stores.staff.directReportsLoader(),
      course: stores.courses.byIdLoader(),
      trainingRecord: stores.trainingRecords.byIdLoader(),
      performanceReview: stores.reviews.byIdLoader(),
    },
  };
}
