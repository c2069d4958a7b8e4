import { z } from 'zod';
import { badUserInput, conflict, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { TrainingCourseDocument, TrainingCourseFilterInput, TrainingCourseStore } from './course-store';
import { COURSE_RULES } from '../settings';

const text = z.string().trim().min(1, 'must not be empty').max(200, 'is too long');
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).max(COURSE_RULES.maxListEntries, 'has too many entries').nullish();

const createTrainingCourseSchema = z.object({
  courseName: z.string().trim().min(3, 'must be at least 3 characters').max(100, 'is too long'),
  description: z.string().trim().max(2_000, 'is too long').nullish(),
  category: z.enum(['safety', 'technical', 'customer_service', 'compliance', 'leadership']),
  difficultyLevel: z.enum(['beginner', 'intermediate', 'advanced']),
  durationHours: z
    .number()
    .positive('must be greater than 0')
    .max(COURSE_RULES.maxDurationHours, `must be at most ${COURSE_RULES.maxDurationHours}`),
  passingScore: z.number().int().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100').nullish(),
  validityMonths: z
    .number()
    .int()
    .positive('must be greater than 0')
    .max(COURSE_RULES.maxValidityMonths, `must be at most ${COURSE_RULES.maxValidityMonths}`)
    .nullish(),
  prerequisites: list(z.string().trim().min(1, 'must not be empty')),
  requiredForPositions: list(text),
  contentModules: list(text),
  assessmentQuestions: list(z.record(z.string(), z.unknown(), { error: 'must be a JSON object' })),
  isMandatory: z.boolean().nullish(),
});

export type CreateTrainingCourseInput = z.input<typeof createTrainingCourseSchema>;

export class TrainingCourseService {
  constructor(private readonly courses: TrainingCourseStore) {}

  /** A page of courses, newest first. */
  page(filter: TrainingCourseFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.courses.page(filter, args, paging);
  }

  /** `createdBy` is the signed-in admin creating it (never a value of the input). */
  async create(
    rawInput: CreateTrainingCourseInput,
    createdBy: string | null,
    now = new Date(),
  ): Promise<TrainingCourseDocument> {
    const input = validateInput(createTrainingCourseSchema, rawInput);
    const prerequisites = [...new Set(input.prerequisites ?? [])];
    const existing = await this.courses.existingIds(prerequisites);
    const missing = prerequisites.filter((id) => !existing.has(id));
    if (missing.length > 0) {
      throw badUserInput('input.prerequisites', `not existing courses: ${missing.join(', ')}`);
    }
    const course: TrainingCourseDocument = {
      id: newId(),
      course_name: input.courseName,
      description: input.description ?? '',
      category: input.category,
      difficulty_level: input.difficultyLevel,
      duration_hours: input.durationHours,
      required_for_positions: [...new Set(input.requiredForPositions ?? [])],
      prerequisites,
      content_modules: input.contentModules ?? [],
      assessment_questions: input.assessmentQuestions ?? [],
      passing_score: input.passingScore ?? COURSE_RULES.defaultPassingScore,
      validity_months: input.validityMonths ?? null,
      is_mandatory: input.isMandatory ?? false,
      created_by: createdBy,
      is_active: true,
      created_at: now,
      last_updated: now,
    };
    try {
      await this.courses.insert(course);
      return course;
    } catch (error) {
      const field = duplicateKeyField(error);
      if (field === null) throw error;
      if (field === 'course_name')
        throw conflict('a course with this name already exists', 'input.courseName');
      throw conflict(`a course with this ${field} already exists`, field);
    }
  }
}
