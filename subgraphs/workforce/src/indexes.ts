import type { IndexPlan } from '@casino/mongo';
import { PERFORMANCE_REVIEWS, performanceReviewIndexes } from './reviews/performance-review-store';
import { STAFF_MEMBERS, staffMemberIndexes } from './staff/staff-store';
import { TRAINING_COURSES, trainingCourseIndexes } from './training/course-store';
import { TRAINING_RECORDS, trainingRecordIndexes } from './training/training-record-store';

export const WORKFORCE_INDEXES: IndexPlan = {
  [STAFF_MEMBERS]: staffMemberIndexes,
  [TRAINING_COURSES]: trainingCourseIndexes,
  [TRAINING_RECORDS]: trainingRecordIndexes,
  [PERFORMANCE_REVIEWS]: performanceReviewIndexes,
};
