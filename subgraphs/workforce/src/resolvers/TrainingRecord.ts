import type { TrainingRecordResolvers } from '../__generated__/resolvers-types';

export const TrainingRecord: TrainingRecordResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.trainingRecord.load(reference.id),
  staffMember: async (record, _, ctx) => (await ctx.loaders.staffMember.load(record.staff_member_id))!,
  course: async (record, _, ctx) => (await ctx.loaders.course.load(record.course_id))!,
};
