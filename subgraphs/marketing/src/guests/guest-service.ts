import { DEFAULT_PROPERTY_TIME_ZONE, LocalTime } from '@casino/config';
import { z } from 'zod';
import {
  badUserInput,
  conflict,
  notFound,
  optionalEmailAddress,
  optionalPhoneNumber,
  validateInput,
} from '@casino/errors';
import { Decimal128 } from 'mongodb';
import { duplicateKeyField, isNegativeMoney, newId, toMoney } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import { ID_DOCUMENT, protectIdDocument } from './guest-store';
import type { GuestFilterInput, GuestStore, WalkInGuestDocument } from './guest-store';
import { WALK_IN_RULES } from '../settings';
import type { WalkInMemberRegistration } from './member-registration';

const name = z.string().trim().min(1, 'is required').max(WALK_IN_RULES.nameMaxLength, 'is too long');
const emptyToNull = (value: string | null | undefined) => (value ? value : null);

const registerGuestSchema = z.object({
  firstName: name,
  lastName: name,
  phone: optionalPhoneNumber,
  email: optionalEmailAddress,
  nationality: z.string().trim().min(2, 'is required').max(60, 'is too long'),
  idDocument: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{5,20}$/, 'must be 5 to 20 letters, digits or dashes'),
  marketingConsent: z.boolean(),
  notes: z.string().trim().max(WALK_IN_RULES.notesMaxLength, 'is too long').nullish().transform(emptyToNull),
});

const visitItems = z
  .array(z.string().trim().min(1, 'must not be empty').max(WALK_IN_RULES.visitItemMaxLength, 'is too long'))
  .max(WALK_IN_RULES.maxVisitItems, `at most ${WALK_IN_RULES.maxVisitItems} items`)
  .nullish()
  .transform((items) => [...new Set(items ?? [])]);

const recordExitSchema = z.object({
  id: z.string().min(1, 'is required'),
  spendAmount: z
    .instanceof(Decimal128, { message: 'must be a money amount' })
    .refine((amount) => !isNegativeMoney(amount), 'must not be negative'),
  gamesPlayed: visitItems,
  servicesUsed: visitItems,
  notes: z.string().trim().max(WALK_IN_RULES.notesMaxLength, 'is too long').nullish(),
});

/** What a member needs that a guest may lack; the rest comes from the guest's visit. */
const newMemberSchema = z.object({
  dateOfBirth: z.date({ message: 'is required' }),
  email: optionalEmailAddress,
  phone: optionalPhoneNumber,
  documentExpiry: z.date().nullish(),
  preferences: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * Either the member the guest became, registered first through loyalty (`memberId`, the two-step form), or
 * what loyalty needs beyond the guest's details to register them now (`member`, one step); not both.
 */
const convertSchema = z
  .object({
    id: z.string().min(1, 'is required'),
    memberId: z.string().trim().min(1, 'is required').max(100, 'is too long').nullish(),
    member: newMemberSchema.nullish(),
  })
  .superRefine((input, problems) => {
    if (!input.memberId === !input.member) {
      problems.addIssue({
        code: 'custom',
        path: ['member'],
        message: 'give either member (to register the guest as a member now) or memberId, not both',
      });
    }
  });

export type RecordGuestExitInput = z.input<typeof recordExitSchema>;
export type ConvertWalkInGuestInput = z.input<typeof convertSchema>;

export interface GuestChange {
  before: WalkInGuestDocument;
  after: WalkInGuestDocument;
}

export type RegisterWalkInGuestInput = z.input<typeof registerGuestSchema>;

/** The day (YYYY-MM-DD) a visit belongs to: the local date in the property's time zone. */
export function visitDay(at: Date, timeZone = DEFAULT_PROPERTY_TIME_ZONE): string {
  return new LocalTime(timeZone).localDate(at);
}

/**
 * Identifies an open visit: the same document cannot have two on one visit day. Built from the document's
 * blind index (`protector.lookupKey`), never from the document number itself.
 */
export function openVisitKey(documentIndex: string, at: Date, timeZone = DEFAULT_PROPERTY_TIME_ZONE): string {
  return `${documentIndex}:${visitDay(at, timeZone)}`;
}

export class GuestService {
  constructor(
    private readonly guests: GuestStore,
    private readonly protector: FieldProtector,
    private readonly registerMember: WalkInMemberRegistration,
    /** The property's IANA time zone: one open visit per document per local day */
    private readonly timeZone = DEFAULT_PROPERTY_TIME_ZONE,
  ) {}

  /** A page of walk-in visits, most recent first. */
  page(filter: GuestFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.guests.page(filter, args, paging);
  }

  /** Records a guest's entry now: an open visit with no spend yet. */
  async register(rawInput: RegisterWalkInGuestInput, now = new Date()): Promise<WalkInGuestDocument> {
    const input = validateInput(registerGuestSchema, rawInput);
    const id = newId();
    const document = protectIdDocument(this.protector, id, input.idDocument);
    const guest: WalkInGuestDocument = {
      id,
      first_name: input.firstName,
      last_name: input.lastName,
      phone: input.phone,
      email: input.email,
      nationality: input.nationality,
      ...document,
      visit_date: now,
      entry_time: now,
      exit_time: null,
      spend_amount: toMoney('0.00'),
      games_played: [],
      services_used: [],
      converted_to_member: false,
      converted_member_id: null,
      follow_up_required: false,
      notes: input.notes,
      marketing_consent: input.marketingConsent,
      open_visit_key: openVisitKey(document.id_document_index, now, this.timeZone),
    };
    try {
      await this.guests.insert(guest);
      return guest;
    } catch (error) {
      if (duplicateKeyField(error) === 'open_visit_key') {
        throw conflict(
          'a guest with this identity document is already on the premises today',
          'input.idDocument',
        );
      }
      throw error;
    }
  }

  /**
   * Ends the guest's visit now with what they spent and did. Only an open visit can end, atomically, so a
   * second exit (even a concurrent one) is a CONFLICT; the open-visit key goes with it.
   */
  async recordExit(rawInput: RecordGuestExitInput, now = new Date()): Promise<GuestChange> {
    const input = validateInput(recordExitSchema, rawInput);
    const before = await this.guests.findById(input.id);
    if (!before) throw notFound('WalkInGuest', input.id);
    const after = await this.guests.recordExit(input.id, {
      exit_time: now,
      spend_amount: input.spendAmount,
      games_played: input.gamesPlayed,
      services_used: input.servicesUsed,
      ...(input.notes !== undefined ? { notes: input.notes ? input.notes : null } : {}),
    });
    if (!after) throw conflict('this visit has already ended', 'input.id');
    return { before, after };
  }

  /**
   * Links the guest to the member they became; the visit stays as it was, so the member keeps their history.
   * With `member` the member is registered first, by loyalty, from the guest's details (name, nationality,
   * identity document, contact details and consent) and the input's; with `memberId` they were registered
   * before. A guest converts once: a second conversion is a CONFLICT.
   *
   * No transactions span the two services, so the writes are ordered: nothing is written for a guest already
   * converted, loyalty writes the member (or refuses, e.g. CONFLICT when a member holds the same identity
   * document, and then nothing is written anywhere), then one guarded update links the visit. Loyalty enrols a
   * guest once, so if the link fails (or its answer is lost) a retry finds the same member and finishes it.
   */
  async convert(rawInput: ConvertWalkInGuestInput, now = new Date()): Promise<GuestChange> {
    const input = validateInput(convertSchema, rawInput);
    const before = await this.guests.findById(input.id);
    if (!before) throw notFound('WalkInGuest', input.id);
    const alreadyConverted = () => conflict('this guest has already been converted to a member', 'input.id');
    if (before.converted_to_member) throw alreadyConverted();
    const memberId = input.member
      ? await this.registerMember(before.id, this.memberDetailsOf(before, input.member))
      : input.memberId!;
    const after = await this.guests.convert(input.id, memberId, now);
    if (!after) throw alreadyConverted();
    return { before, after };
  }

  /** Loyalty's RegisterMemberInput from the guest's visit and what the conversion adds. */
  private memberDetailsOf(guest: WalkInGuestDocument, extra: z.infer<typeof newMemberSchema>) {
    const email = extra.email ?? guest.email;
    const phone = extra.phone ?? guest.phone;
    if (!email) throw badUserInput('input.member.email', 'is required: the guest gave none');
    if (!phone) throw badUserInput('input.member.phone', 'is required: the guest gave none');
    return {
      firstName: guest.first_name,
      lastName: guest.last_name,
      email,
      phone,
      dateOfBirth: extra.dateOfBirth.toISOString(),
      nationality: guest.nationality,
      nicPassport: this.protector.open(guest.id_document, {
        collection: ID_DOCUMENT.collection,
        field: ID_DOCUMENT.field,
        documentId: guest.id,
      }),
      marketingConsent: guest.marketing_consent,
      ...(extra.preferences ? { preferences: extra.preferences } : {}),
      ...(extra.documentExpiry ? { documentExpiry: extra.documentExpiry.toISOString() } : {}),
    };
  }
}
