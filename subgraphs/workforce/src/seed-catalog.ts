import type { Department } from './staff/departments';
import type { CourseCategory, DifficultyLevel } from './training/course-store';

/** Demo data of the workforce seed: who works where, and what they are trained in. */

export interface PositionSpec {
  title: string;
  count: number;
  /** Yearly salary range */
  salary: [number, number];
  skills: string[];
  certifications: string[];
}

export interface DepartmentSpec {
  department: Department;
  /** Everyone else in the department reports to the head; the Management head is the general manager */
  head: Omit<PositionSpec, 'count'>;
  positions: PositionSpec[];
}

export const GENERAL_MANAGER = 'General Manager';
export const HR_MANAGER = 'HR Manager';

export const DEPARTMENT_SPECS: DepartmentSpec[] = [
  {
    department: 'Management',
    head: {
      title: GENERAL_MANAGER,
      salary: [180_000, 240_000],
      skills: ['Strategic planning', 'P&L management', 'Regulatory relations', 'Stakeholder management'],
      certifications: ['Certified Gaming Executive'],
    },
    positions: [
      {
        title: HR_MANAGER,
        count: 2,
        salary: [70_000, 95_000],
        skills: ['Recruitment', 'Employee relations', 'Payroll', 'Labour law'],
        certifications: ['SHRM-CP'],
      },
      {
        title: 'Finance Manager',
        count: 2,
        salary: [80_000, 110_000],
        skills: ['Budgeting', 'Cash controls', 'Financial reporting', 'Audit support'],
        certifications: ['CPA', 'CIMA'],
      },
      {
        title: 'Compliance Officer',
        count: 3,
        salary: [60_000, 85_000],
        skills: ['AML monitoring', 'KYC review', 'Regulatory reporting', 'Policy writing'],
        certifications: ['CAMS', 'CIPP/E'],
      },
      {
        title: 'Marketing Manager',
        count: 2,
        salary: [65_000, 90_000],
        skills: ['Campaign planning', 'CRM', 'Player segmentation', 'Event management'],
        certifications: [],
      },
      {
        title: 'Administrative Assistant',
        count: 3,
        salary: [30_000, 42_000],
        skills: ['Scheduling', 'Document control', 'Reception', 'Office software'],
        certifications: [],
      },
    ],
  },
  {
    department: 'Gaming',
    head: {
      title: 'Gaming Director',
      salary: [120_000, 160_000],
      skills: ['Floor operations', 'Game protection', 'Rostering', 'Table games analytics'],
      certifications: ['Gaming licence (key employee)'],
    },
    positions: [
      {
        title: 'Dealer',
        count: 26,
        salary: [28_000, 42_000],
        skills: ['Blackjack', 'Baccarat', 'Roulette', 'Poker', 'Chip handling', 'Mental arithmetic'],
        certifications: ['Gaming licence'],
      },
      {
        title: 'Pit Supervisor',
        count: 6,
        salary: [45_000, 60_000],
        skills: ['Game protection', 'Dispute resolution', 'Table rating', 'Fill and credit procedures'],
        certifications: ['Gaming licence'],
      },
      {
        title: 'Slot Technician',
        count: 5,
        salary: [38_000, 52_000],
        skills: ['EGM diagnostics', 'Bill validators', 'Ticket printers', 'Slot systems'],
        certifications: ['Gaming licence', 'Electrical licence (restricted)'],
      },
      {
        title: 'Cage Cashier',
        count: 7,
        salary: [30_000, 40_000],
        skills: ['Cash handling', 'Currency exchange', 'Chip redemption', 'Counterfeit detection'],
        certifications: ['Gaming licence'],
      },
    ],
  },
  {
    department: 'F&B',
    head: {
      title: 'F&B Director',
      salary: [90_000, 125_000],
      skills: ['Menu engineering', 'Cost control', 'Supplier management', 'Service standards'],
      certifications: ['Food safety supervisor'],
    },
    positions: [
      {
        title: 'Chef',
        count: 7,
        salary: [35_000, 60_000],
        skills: ['Asian cuisine', 'Western cuisine', 'Pastry', 'Banquets', 'Menu costing'],
        certifications: ['Food safety supervisor', 'Culinary diploma'],
      },
      {
        title: 'Server',
        count: 14,
        salary: [24_000, 32_000],
        skills: ['Table service', 'Wine knowledge', 'Point of sale', 'VIP hosting'],
        certifications: ['Food handler'],
      },
      {
        title: 'Bartender',
        count: 7,
        salary: [26_000, 36_000],
        skills: ['Mixology', 'Cocktail menu', 'Stock control', 'Wine knowledge'],
        certifications: ['Food handler', 'Responsible service of alcohol'],
      },
    ],
  },
  {
    department: 'Security',
    head: {
      title: 'Security Director',
      salary: [100_000, 135_000],
      skills: ['Risk assessment', 'Incident command', 'Law enforcement liaison', 'Access control'],
      certifications: ['Certified Protection Professional'],
    },
    positions: [
      {
        title: 'Security Officer',
        count: 14,
        salary: [28_000, 38_000],
        skills: ['Patrol', 'Crowd control', 'First aid', 'Incident reporting', 'Access control'],
        certifications: ['Security licence', 'First aid'],
      },
      {
        title: 'Surveillance Operator',
        count: 5,
        salary: [34_000, 46_000],
        skills: ['CCTV operation', 'Game protection', 'Evidence handling', 'Cheat detection'],
        certifications: ['Security licence'],
      },
    ],
  },
  {
    department: 'Maintenance',
    head: {
      title: 'Facilities Director',
      salary: [85_000, 115_000],
      skills: ['Facilities planning', 'Contractor management', 'Energy management', 'Preventive maintenance'],
      certifications: ['Certified Facility Manager'],
    },
    positions: [
      {
        title: 'Maintenance Technician',
        count: 8,
        salary: [30_000, 44_000],
        skills: ['HVAC', 'Plumbing', 'Carpentry', 'Preventive maintenance', 'Painting'],
        certifications: ['HVAC certificate'],
      },
      {
        title: 'Electrician',
        count: 4,
        salary: [38_000, 55_000],
        skills: ['Power distribution', 'Lighting', 'Emergency systems', 'Fault finding'],
        certifications: ['Electrical licence'],
      },
    ],
  },
];

const ALL_POSITIONS = DEPARTMENT_SPECS.flatMap((d) => [d.head.title, ...d.positions.map((p) => p.title)]);
const HEADS = DEPARTMENT_SPECS.map((d) => d.head.title);

export interface CourseSpec {
  /** Referenced by `prerequisites`; courses come after their prerequisites */
  key: string;
  name: string;
  description: string;
  category: CourseCategory;
  difficulty: DifficultyLevel;
  hours: number;
  passingScore: number;
  validityMonths: number | null;
  /** A mandatory course lists the positions it is required for */
  requiredFor: string[];
  prerequisites: string[];
  modules: string[];
  isActive: boolean;
}

const course = (
  spec: Omit<CourseSpec, 'prerequisites' | 'isActive' | 'passingScore'> &
    Partial<Pick<CourseSpec, 'prerequisites' | 'isActive' | 'passingScore'>>,
): CourseSpec => ({ prerequisites: [], isActive: true, passingScore: 70, ...spec });

export const COURSE_SPECS: CourseSpec[] = [
  course({
    key: 'fire',
    name: 'Fire Safety and Emergency Evacuation',
    description: 'Alarm response, evacuation routes, extinguisher use and guest assembly points.',
    category: 'safety',
    difficulty: 'beginner',
    hours: 3,
    validityMonths: 12,
    requiredFor: ALL_POSITIONS,
    modules: [
      'Fire classes and extinguishers',
      'Alarm response',
      'Evacuating guests',
      'Assembly and roll call',
    ],
  }),
  course({
    key: 'responsible-gaming',
    name: 'Responsible Gaming Fundamentals',
    description: 'Recognising problem gambling, self-exclusion procedures and how to refer guests for help.',
    category: 'compliance',
    difficulty: 'beginner',
    hours: 4,
    passingScore: 80,
    validityMonths: 24,
    requiredFor: [
      GENERAL_MANAGER,
      'Gaming Director',
      'Dealer',
      'Pit Supervisor',
      'Slot Technician',
      'Cage Cashier',
      'Compliance Officer',
      'Marketing Manager',
    ],
    modules: ['Signs of harm', 'Self-exclusion', 'Talking to guests', 'Referral services'],
  }),
  course({
    key: 'aml',
    name: 'Anti-Money Laundering Awareness',
    description: 'Cash transaction reporting, multiple transaction logs and suspicious activity escalation.',
    category: 'compliance',
    difficulty: 'intermediate',
    hours: 6,
    passingScore: 80,
    validityMonths: 12,
    requiredFor: [
      GENERAL_MANAGER,
      'Gaming Director',
      'Pit Supervisor',
      'Cage Cashier',
      'Finance Manager',
      'Compliance Officer',
    ],
    modules: ['Typologies', 'CTR thresholds', 'MTL entries', 'Suspicious activity reports', 'Tipping-off'],
  }),
  course({
    key: 'pdpa',
    name: 'Personal Data Protection (PDPA 2022)',
    description: 'Handling guest and staff personal data lawfully: consent, access, retention and breaches.',
    category: 'compliance',
    difficulty: 'beginner',
    hours: 2,
    validityMonths: 24,
    requiredFor: [
      HR_MANAGER,
      'Finance Manager',
      'Compliance Officer',
      'Marketing Manager',
      'Administrative Assistant',
      'Cage Cashier',
      'Surveillance Operator',
    ],
    modules: ['Personal data', 'Lawful processing', 'Data subject rights', 'Breach response'],
  }),
  course({
    key: 'food-safety',
    name: 'Food Safety and Hygiene',
    description: 'Safe food handling, temperature control, allergens and cleaning schedules.',
    category: 'safety',
    difficulty: 'beginner',
    hours: 5,
    validityMonths: 24,
    requiredFor: ['F&B Director', 'Chef', 'Server', 'Bartender'],
    modules: ['Contamination', 'Temperature control', 'Allergen management', 'Cleaning and sanitising'],
  }),
  course({
    key: 'rsa',
    name: 'Responsible Service of Alcohol',
    description: 'Refusing service, spotting intoxication and the licensing conditions of the venue.',
    category: 'compliance',
    difficulty: 'beginner',
    hours: 3,
    validityMonths: 36,
    requiredFor: ['F&B Director', 'Server', 'Bartender'],
    modules: ['Licensing law', 'Signs of intoxication', 'Refusing service', 'Incident logs'],
  }),
  course({
    key: 'dealing',
    name: 'Card Dealing Fundamentals',
    description: 'Shuffling, pitching, chip cutting and payout procedures for house-banked card games.',
    category: 'technical',
    difficulty: 'beginner',
    hours: 16,
    validityMonths: null,
    requiredFor: ['Dealer', 'Pit Supervisor'],
    modules: ['Shuffle procedures', 'Pitching cards', 'Chip handling', 'Payout tables', 'Table etiquette'],
  }),
  course({
    key: 'baccarat',
    name: 'Baccarat Game Protection',
    description:
      'Edge sorting, card marking and collusion: spotting and stopping advantage play at baccarat.',
    category: 'technical',
    difficulty: 'advanced',
    hours: 12,
    passingScore: 85,
    validityMonths: null,
    requiredFor: ['Pit Supervisor'],
    prerequisites: ['dealing'],
    modules: ['Baccarat rules', 'Squeeze procedures', 'Edge sorting', 'Collusion patterns'],
  }),
  course({
    key: 'blackjack',
    name: 'Advanced Blackjack Procedures',
    description: 'Side bets, multi-deck shoes and protecting the game against card counting teams.',
    category: 'technical',
    difficulty: 'intermediate',
    hours: 8,
    validityMonths: null,
    requiredFor: [],
    prerequisites: ['dealing'],
    modules: ['Side bets', 'Shoe games', 'Counting teams', 'Table limits'],
  }),
  course({
    key: 'poker',
    name: 'Poker Room Procedures',
    description: 'Running the former poker room: rake, buttons and tournament structures.',
    category: 'technical',
    difficulty: 'intermediate',
    hours: 8,
    validityMonths: null,
    requiredFor: [],
    prerequisites: ['dealing'],
    modules: ['Rake and time collection', 'Button and blinds', 'Tournament structures'],
    isActive: false,
  }),
  course({
    key: 'slots',
    name: 'Slot Machine Servicing',
    description: 'Diagnosing and repairing electronic gaming machines without breaching seal controls.',
    category: 'technical',
    difficulty: 'intermediate',
    hours: 20,
    validityMonths: 36,
    requiredFor: ['Slot Technician'],
    modules: ['Machine architecture', 'Seal and meter controls', 'Bill validators', 'Printer faults'],
  }),
  course({
    key: 'guest-service',
    name: 'Guest Service Excellence',
    description: 'Greeting, anticipating needs and recovering from service failures the house way.',
    category: 'customer_service',
    difficulty: 'beginner',
    hours: 4,
    validityMonths: null,
    requiredFor: ['Dealer', 'Cage Cashier', 'Server', 'Bartender', 'Administrative Assistant'],
    modules: ['Service standards', 'Reading the guest', 'Service recovery', 'VIP etiquette'],
  }),
  course({
    key: 'difficult-guests',
    name: 'Handling Difficult Guests',
    description: 'Calm language, escalation paths and when to call security.',
    category: 'customer_service',
    difficulty: 'intermediate',
    hours: 3,
    validityMonths: null,
    requiredFor: [],
    prerequisites: ['guest-service'],
    modules: ['Listening under pressure', 'Setting limits', 'Escalation'],
  }),
  course({
    key: 'de-escalation',
    name: 'Conflict De-escalation',
    description: 'Verbal and non-verbal techniques to defuse confrontations on the floor.',
    category: 'safety',
    difficulty: 'intermediate',
    hours: 6,
    validityMonths: 24,
    requiredFor: ['Security Director', 'Security Officer', 'Pit Supervisor'],
    modules: ['Conflict cycle', 'Verbal techniques', 'Safe positioning', 'Post-incident reporting'],
  }),
  course({
    key: 'surveillance',
    name: 'Surveillance Systems Operation',
    description: 'Camera control, recording retention and building an evidential review of an incident.',
    category: 'technical',
    difficulty: 'advanced',
    hours: 24,
    passingScore: 80,
    validityMonths: null,
    requiredFor: ['Surveillance Operator'],
    modules: ['Camera control', 'Recording and retention', 'Game observation', 'Evidence packages'],
  }),
  course({
    key: 'electrical',
    name: 'Electrical Safety at Work',
    description: 'Isolation, lock-out/tag-out and working safely near live equipment.',
    category: 'safety',
    difficulty: 'intermediate',
    hours: 8,
    validityMonths: 12,
    requiredFor: ['Facilities Director', 'Maintenance Technician', 'Electrician'],
    modules: ['Hazards', 'Lock-out/tag-out', 'Testing for dead', 'Emergency response'],
  }),
  course({
    key: 'leadership',
    name: 'Leadership Essentials',
    description: 'Setting expectations, giving feedback and running a shift team.',
    category: 'leadership',
    difficulty: 'intermediate',
    hours: 10,
    validityMonths: null,
    requiredFor: [...HEADS, HR_MANAGER],
    modules: ['Leading a shift', 'Delegation', 'Feedback', 'Team communication'],
  }),
  course({
    key: 'coaching',
    name: 'Coaching and Performance Reviews',
    description: 'Running fair reviews, setting goals and coaching for improvement.',
    category: 'leadership',
    difficulty: 'advanced',
    hours: 6,
    validityMonths: null,
    requiredFor: [],
    prerequisites: ['leadership'],
    modules: ['Evidence-based reviews', 'Goal setting', 'Coaching conversations'],
  }),
];

export const REVIEW_STRENGTHS = [
  'Consistently punctual and reliable',
  'Excellent rapport with guests',
  'Accurate and careful with procedures',
  'Supports colleagues during busy shifts',
  'Calm under pressure',
  'Strong product and game knowledge',
  'Takes ownership of problems',
  'Quick to learn new systems',
  'Clear communicator',
  'High attention to detail',
];

export const REVIEW_IMPROVEMENTS = [
  'Complete outstanding mandatory training on time',
  'Improve shift handover notes',
  'Build confidence with difficult guests',
  'Reduce procedural errors',
  'Take more initiative during quiet periods',
  'Improve time keeping',
  'Share knowledge with newer colleagues',
  'Follow up on incidents promptly',
];

export const RELATIONSHIPS = ['Spouse', 'Partner', 'Parent', 'Sibling', 'Friend', 'Child'];

/** Assessment questions are built from a course's module names. */
export const QUESTION_TEMPLATES: ((module: string) => string)[] = [
  (module) => `During ${module}, what should you do when something does not match the procedure?`,
  (module) => `Which action is correct under the house rules for ${module}?`,
  (module) => `A guest questions how you handled ${module}. What is the right response?`,
];
export const ANSWER_RIGHT = 'Follow the written procedure and inform your supervisor straight away';
export const ANSWERS_WRONG = [
  'Carry on and mention it at the end of the shift',
  'Ask a colleague to deal with it and return to your post',
  'Do nothing unless a guest complains',
];
