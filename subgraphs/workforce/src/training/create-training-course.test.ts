import type { Identity } from '@casino/auth';
import { workforceSubgraph } from '../index';
import { TEST_SUPERADMIN, startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateTrainingCourseInput!) {
    createTrainingCourse(input: $input) {
      id
      courseName
      description
      category
      difficultyLevel
      durationHours
      passingScore
      validityMonths
      isMandatory
      isActive
      requiredForPositions
      contentModules
      assessmentQuestions
      prerequisiteIds
      prerequisites {
        id
        courseName
      }
      createdBy {
        id
      }
    }
  }
`;

const ADMIN_ID = '0b7f9c1e-1111-4222-8333-444455556666';
/** Another admin signed in: the course is credited to whoever creates it */
const COURSE_AUTHOR: Identity = testIdentity('GeneralAdmin', { userId: ADMIN_ID, username: 'course-author' });
/** The admin the harness signs in as: a course is credited to whoever creates it */
const CALLER_ID = TEST_SUPERADMIN.kind === 'admin' ? TEST_SUPERADMIN.userId : null;
const fundamentals = {
  courseName: 'Card Dealing Fundamentals',
  category: 'technical',
  difficultyLevel: 'beginner',
  durationHours: 16,
};

type CourseResult = { createTrainingCourse: Record<string, unknown> & { id: string } };

describe('createTrainingCourse', () => {
  let harness: SubgraphHarness;
  let fundamentalsId: string;
  const courses = () => harness.db.collection('training_courses');
  beforeAll(async () => {
    harness = await startSubgraphHarness(workforceSubgraph);
  });
  afterAll(() => harness.close());

  it('creates a permanent, optional course with a passing score of 70, credited to the caller, by default', async () => {
    const result = await harness.execute<CourseResult>(CREATE, { input: fundamentals });
    expect(result.errors).toBeUndefined();
    const course = result.data!.createTrainingCourse;
    fundamentalsId = course.id;
    expect(course).toMatchObject({
      courseName: 'Card Dealing Fundamentals',
      description: '',
      category: 'technical',
      difficultyLevel: 'beginner',
      durationHours: 16,
      passingScore: 70,
      validityMonths: null,
      isMandatory: false,
      isActive: true,
      prerequisiteIds: [],
      prerequisites: [],
      createdBy: { id: CALLER_ID },
    });
  });

  it('links existing prerequisites, the creating admin (the caller) and the assessment', async () => {
    const questions = [{ question: 'What beats a natural?', options: ['Nothing', 'A pair'], answerIndex: 0 }];
    const result = await harness.execute<CourseResult>(
      CREATE,
      {
        input: {
          courseName: 'Baccarat Game Protection',
          category: 'technical',
          difficultyLevel: 'advanced',
          durationHours: 12.5,
          passingScore: 85,
          validityMonths: 24,
          prerequisites: [fundamentalsId],
          requiredForPositions: ['Pit Supervisor'],
          contentModules: ['Edge sorting', 'Collusion'],
          assessmentQuestions: questions,
          isMandatory: true,
        },
      },
      { identity: COURSE_AUTHOR },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createTrainingCourse).toMatchObject({
      durationHours: 12.5,
      passingScore: 85,
      validityMonths: 24,
      isMandatory: true,
      requiredForPositions: ['Pit Supervisor'],
      assessmentQuestions: questions,
      prerequisiteIds: [fundamentalsId],
      prerequisites: [{ id: fundamentalsId, courseName: 'Card Dealing Fundamentals' }],
      createdBy: { id: ADMIN_ID },
    });
    const entities = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on TrainingCourse { id courseName } } }`,
      {
        r: [
          { __typename: 'TrainingCourse', id: result.data!.createTrainingCourse.id },
          { __typename: 'TrainingCourse', id: 'missing' },
        ],
      },
    );
    expect(entities.data!._entities).toEqual([
      { id: result.data!.createTrainingCourse.id, courseName: 'Baccarat Game Protection' },
      null,
    ]);
  });

  it.each([
    ['zero duration', { durationHours: 0 }, 'input.durationHours'],
    ['passing score above 100', { passingScore: 101 }, 'input.passingScore'],
    ['zero validity', { validityMonths: 0 }, 'input.validityMonths'],
    ['unknown prerequisite', { prerequisites: ['not-a-course'] }, 'input.prerequisites'],
    ['non-object assessment question', { assessmentQuestions: ['Why?'] }, 'input.assessmentQuestions.0'],
  ])('rejects a %s naming the field and writes nothing', async (_, change, field) => {
    const before = await courses().countDocuments();
    const result = await harness.execute(CREATE, {
      input: { ...fundamentals, courseName: 'Roulette Procedures', ...change },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await courses().countDocuments()).toBe(before);
  });

  it('refuses a second course with the same name as CONFLICT', async () => {
    const before = await courses().countDocuments();
    const result = await harness.execute(CREATE, { input: { ...fundamentals, durationHours: 4 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.courseName' });
    expect(await courses().countDocuments()).toBe(before);
  });

  it('filters and pages the catalogue', async () => {
    const mandatory = await harness.execute<{ trainingCourses: { totalCount: number; edges: unknown[] } }>(
      `{ trainingCourses(filter: { isMandatory: true, requiredForPosition: "Pit Supervisor" }) {
           totalCount edges { node { courseName } } } }`,
    );
    expect(mandatory.data!.trainingCourses).toEqual({
      totalCount: 1,
      edges: [{ node: { courseName: 'Baccarat Game Protection' } }],
    });
    type Page = { trainingCourses: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } } };
    const first = await harness.execute<Page>(
      `{ trainingCourses(first: 1) { edges { node { id } } pageInfo { endCursor } } }`,
    );
    const second = await harness.execute<Page>(
      `query($after: String) { trainingCourses(first: 1, after: $after) { edges { node { id } } pageInfo { endCursor } } }`,
      { after: first.data!.trainingCourses.pageInfo.endCursor },
    );
    const ids = [first, second].map((page) => page.data!.trainingCourses.edges[0]!.node.id);
    expect(new Set(ids).size).toBe(2);
  });
});
