import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type CourseCategory = 'safety' | 'technical' | 'customer_service' | 'compliance' | 'leadership';
export type DifficultyLevel = 'beginner' | 'intermediate' | 'advanced';

export interface TrainingCourseDocument {
  id: string;
  course_name: string;
  description: string;
  category: CourseCategory;
  difficulty_level: DifficultyLevel;
  duration_hours: number;
  /** Positions a mandatory course is required for */
  required_for_positions: string[];
  /** Ids of the courses to complete first */
  prerequisites: string[];
  content_modules: string[];
  assessment_questions: Record<string, unknown>[];
  /** 0-100 */
  passing_score: number;
  /** null means a completion never expires */
  validity_months: number | null;
  is_mandatory: boolean;
  /** The AdminUser (compliance) who created it */
  created_by: string | null;
  is_active: boolean;
  created_at: Date;
  last_updated: Date;
}

export interface TrainingCourseFilterInput {
  category?: CourseCategory | null;
  difficultyLevel?: DifficultyLevel | null;
  isMandatory?: boolean | null;
  isActive?: boolean | null;
  requiredForPosition?: string | null;
}

export const TRAINING_COURSES = 'training_courses';

export const trainingCourseIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { course_name: 1 }, name: 'course_name_1', unique: true },
  { key: { category: 1, is_active: 1 }, name: 'category_1_is_active_1' },
  { key: { required_for_positions: 1 }, name: 'required_for_positions_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

/** Whether holding `position` obliges a staff member to complete this course. */
export function isRequiredFor(course: TrainingCourseDocument, position: string): boolean {
  return course.is_active && course.is_mandatory && course.required_for_positions.includes(position);
}

/** The document field each key of the list filter matches (see equalityFilter). */
const TRAINING_COURSE_FILTER_FIELDS = {
  category: 'category',
  difficultyLevel: 'difficulty_level',
  isMandatory: 'is_mandatory',
  isActive: 'is_active',
  requiredForPosition: 'required_for_positions',
} as const;

export class TrainingCourseStore extends CollectionStore<TrainingCourseDocument> {
  constructor(db: Db) {
    super(db, TRAINING_COURSES);
  }

  page(input: TrainingCourseFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, TRAINING_COURSE_FILTER_FIELDS, args, paging);
  }

  /** The subset of `ids` that name existing courses. */
  async existingIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.collection
      .find({ id: { $in: ids } }, { projection: { _id: 0, id: 1 } })
      .toArray();
    return new Set(found.map((course) => course.id));
  }

  async insert(course: TrainingCourseDocument): Promise<void> {
    await this.collection.insertOne({ ...course });
  }

  /** The active mandatory courses required for a position. */
  requiredFor(position: string): Promise<TrainingCourseDocument[]> {
    return this.collection
      .find(
        { is_active: true, is_mandatory: true, required_for_positions: position },
        { projection: { _id: 0 } },
      )
      .toArray();
  }

  /** Every active mandatory course, by name. */
  activeMandatory(): Promise<TrainingCourseDocument[]> {
    return this.collection
      .find({ is_active: true, is_mandatory: true }, { projection: { _id: 0 }, sort: { course_name: 1 } })
      .toArray();
  }

  /** Which positions each active mandatory course is required for (the dashboard needs nothing else). */
  activeMandatoryRequirements(): Promise<Pick<TrainingCourseDocument, 'id' | 'required_for_positions'>[]> {
    return this.collection
      .find(
        { is_active: true, is_mandatory: true },
        { projection: { _id: 0, id: 1, required_for_positions: 1 } },
      )
      .toArray();
  }

  /** The names of the courses with these ids (unknown ids are skipped). */
  async namesOf(ids: string[]): Promise<string[]> {
    const found = await this.collection
      .find({ id: { $in: ids } }, { projection: { _id: 0, course_name: 1 } })
      .toArray();
    return found.map((course) => course.course_name);
  }
}
