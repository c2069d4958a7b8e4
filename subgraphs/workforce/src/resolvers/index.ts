import { scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Mutation } from './Mutation';
import { PerformanceReview } from './PerformanceReview';
import { Query } from './Query';
import { StaffMember } from './StaffMember';
import { TrainingCourse } from './TrainingCourse';
import { TrainingRecord } from './TrainingRecord';
import { WorkforceDashboard } from './WorkforceDashboard';
import { deadLetterMutation, deadLetterQuery } from './dead-letters';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...Query, ...deadLetterQuery },
  Mutation: { ...Mutation, ...deadLetterMutation },
  StaffMember,
  TrainingCourse,
  TrainingRecord,
  PerformanceReview,
  WorkforceDashboard,
};
