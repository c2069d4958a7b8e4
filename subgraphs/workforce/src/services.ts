import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { LocalTime } from '@casino/config';
import type { FieldProtector } from '@casino/crypto';
import { DeadLetters } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import { requireProtector } from '@casino/server';
import type { SubgraphDeps } from '@casino/server';
import type { Db } from 'mongodb';
import { WorkforceDashboardService } from './dashboard/dashboard-service';
import { WorkforcePrivacy } from './privacy/workforce-privacy';
import { PerformanceReviewStore } from './reviews/performance-review-store';
import { PerformanceReviewService } from './reviews/review-service';
import type { WorkforceSettings } from './settings';
import { AdminStaffLinks } from './staff/admin-staff-links';
import { StaffMemberService } from './staff/staff-service';
import { StaffMemberStore } from './staff/staff-store';
import { TrainingCourseService } from './training/course-service';
import { TrainingCourseStore } from './training/course-store';
import { TrainingRecordStore } from './training/training-record-store';
import { TrainingService } from './training/training-service';

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

/** What workforce builds once per process and every request shares: stores, services, configuration. */
export interface WorkforceServices {
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
    /** Its figures are cached per department scope and range (the dashboard cache) */
    dashboard: WorkforceDashboardService;
  };
  /** Workforce's privacy participant: re-sealing of the protected fields under the current key */
  privacy: WorkforcePrivacy;
}

export function createWorkforceServices(deps: SubgraphDeps, settings: WorkforceSettings): WorkforceServices {
  const stores = createStores(deps.db);
  const protector = requireProtector(deps, 'workforce');
  const training = new TrainingService(
    stores.staff,
    stores.courses,
    stores.trainingRecords,
    new LocalTime(settings.timeZone),
  );
  return {
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
    },
    privacy: new WorkforcePrivacy(stores.staff, protector),
  };
}
