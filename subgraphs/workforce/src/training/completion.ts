import { isRequiredFor } from './course-store';
import type { TrainingCourseDocument } from './course-store';
import type { TrainingRecordDocument } from './training-record-store';

/**
 * The share (0-100, two decimals) of the courses required for `position` that have a current completion
 * among `records`. Expired, failed and unfinished records do not count; with nothing required it is 0.
 */
export function trainingCompletionRate(
  position: string,
  courses: readonly TrainingCourseDocument[],
  records: readonly Pick<TrainingRecordDocument, 'course_id' | 'status'>[],
): number {
  const required = new Set(courses.filter((c) => isRequiredFor(c, position)).map((c) => c.id));
  if (required.size === 0) return 0;
  const completed = new Set(
    records.filter((r) => r.status === 'completed' && required.has(r.course_id)).map((r) => r.course_id),
  );
  return Math.round((completed.size / required.size) * 10_000) / 100;
}
