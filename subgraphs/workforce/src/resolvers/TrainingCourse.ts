import type { TrainingCourseResolvers } from '../__generated__/resolvers-types';
import type { TrainingCourseDocument } from '../training/course-store';

export const TrainingCourse: TrainingCourseResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.course.load(reference.id),
  prerequisiteIds: (course) => course.prerequisites,
  prerequisites: async (course, _, ctx) => {
    const found = await ctx.loaders.course.loadMany(course.prerequisites);
    // a prerequisite removed since is skipped rather than failing the whole course
    return found.filter((c): c is TrainingCourseDocument => c !== null && !(c instanceof Error));
  },
  createdBy: (course) => (course.created_by ? { __typename: 'AdminUser', id: course.created_by } : null),
};
