import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#WorkforceContext',
  mappers: {
    StaffMember: '../staff/staff-store#StaffMemberDocument',
    TrainingCourse: '../training/course-store#TrainingCourseDocument',
    TrainingRecord: '../training/training-record-store#TrainingRecordDocument',
    PerformanceReview: '../reviews/performance-review-store#PerformanceReviewDocument',
    StaffMemberConnection: '@casino/mongo#Connection',
    TrainingCourseConnection: '@casino/mongo#Connection',
    TrainingRecordConnection: '@casino/mongo#Connection',
    PerformanceReviewConnection: '@casino/mongo#Connection',
    WorkforceDashboard: '../dashboard/dashboard-service#WorkforceDashboardData',
  },
});
