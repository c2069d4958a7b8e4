import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createManyByKeyLoader, createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { PerformanceReviewStore } from './reviews/performance-review-store';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import type { WorkforceSettings } from './settings';
import { StaffMemberService } from './staff/staff-service';
import { StaffMemberStore } from './staff/staff-store';
import type { StaffMemberDocument } from './staff/staff-store';
import { TrainingCourseService } from './training/course-service';
import { TrainingCourseStore } from './training/course-store';
import type { TrainingCourseDocument } from './training/course-store';
import { TrainingRecordStore } from './training/training-record-store';
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
  paging: PagingConfig;
  stores: WorkforceStores;
  services: { staff: StaffMemberService; courses: TrainingCourseService };
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
  return {
    ...base,
    paging: deps.paging,
    stores,
    services: {
      staff: new StaffMemberService(stores.staff, settings),
      courses: new TrainingCourseService(stores.courses),
    },
    loaders: {
      staffMember: createOneByKeyLoader(stores.staff.collection, 'id'),
      directReports: createManyByKeyLoader(stores.staff.collection, 'manager_id', {
        sort: { last_name: 1, first_name: 1, id: 1 },
      }),
      course: createOneByKeyLoader(stores.courses.collection, 'id'),
      trainingRecord: createOneByKeyLoader(stores.trainingRecords.collection, 'id'),
      performanceReview: createOneByKeyLoader(stores.reviews.collection, 'id'),
    },
  };
}
