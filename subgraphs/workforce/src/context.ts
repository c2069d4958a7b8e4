import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { DeadLetters } from '@casino/mongo';
import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { WorkforceDashboardService } from './dashboard/dashboard-service';
import { PerformanceReviewStore } from './reviews/performance-review-store';
import { PerformanceReviewService } from './reviews/review-service';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import type { WorkforceSettings } from './settings';
import { AdminStaffLinks } from './staff/admin-staff-links';
import { WorkforcePrivacy } from './privacy/workforce-privacy';
import { StaffMemberService } from './staff/staff-service';
import { StaffMemberStore } from './staff/staff-store';
import type { StaffMemberDocument } from './staff/staff-store';
import { TrainingCourseService } from './training/course-service';
import { TrainingCourseStore } from './training/course-store';
import type { TrainingCourseDocument } from './training/course-store';
import { TrainingRecordStore } from './training/training-record-store';
import { TrainingService } from './training/training-service';
import type { TrainingRecordDocument } from './training/training-record-store';

export interface WorkforceStores {
  staff: StaffMemberStore;
  courses: TrainingCourseStore;
  trainingRecords: TrainingRecordStore;
  reviews: PerformanceReviewStore;
}

export function createStores(db: Db): WorkforceStores {
  return {
    staff: new StaffMemberStore(db),
    courses: new TrainingCourseStore(db),
    trainingRecords: new TrainingRecordStore(db),
    reviews: new PerformanceReviewStore(db),
  };
}

export interface WorkforceContext extends SubgraphRequestBase {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  /** Seals and opens `staff_members.salary` (responses go through `revealProtectedAmount` only) */
  protector: FieldProtector;
  stores: WorkforceStores;
  settings: WorkforceSettings;
  services: {
    staff: StaffMemberService;
    courses: TrainingCourseService;
    training: TrainingService;
    reviews: PerformanceReviewService;
    dashboard: WorkforceDashboardService;
    /** Re-sealing of the protected fields under the current key (key rotation) */
    protection: WorkforcePrivacy;
  };
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
  deps: SubgraphDeps,
  settings: WorkforceSettings,
): WorkforceContext {
  const stores = createStores(deps.db);
  const protector = requireProtector(deps);
  const training = new TrainingService(stores.staff, stores.courses, stores.trainingRecords);
  return {
    ...base,
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db)]),
    paging: deps.paging,
    protector,
    stores,
    settings,
    services: {
      staff: new StaffMemberService(stores.staff, settings, protector, (staffMember) =>
        training.refreshCompletionRate(staffMember),
      ),
      courses: new TrainingCourseService(stores.courses),
      training,
      reviews: new PerformanceReviewService(
        stores.staff,
        stores.reviews,
        settings,
        new AdminStaffLinks(deps.services.compliance),
      ),
      dashboard: new WorkforceDashboardService(
        stores.staff,
        stores.courses,
        stores.trainingRecords,
        settings,
        protector,
        dashboardCacheOf(deps),
      ),
      protection: new WorkforcePrivacy(stores.staff, protector),
    },
    loaders: {
      staffMember: stores.staff.byIdLoader(),
      directReports: stores.staff.directReportsLoader(),
      course: stores.courses.byIdLoader(),
      trainingRecord: stores.trainingRecords.byIdLoader(),
      performanceReview: stores.reviews.byIdLoader(),
    },
  };
}

/** Workforce holds personal data, so the runtime always loads the keys; a missing protector is a wiring bug. */
function requireProtector(deps: SubgraphDeps): FieldProtector {
  if (!deps.protector) throw new Error('workforce holds personal data but no field protector was loaded');
  return deps.protector;
}
