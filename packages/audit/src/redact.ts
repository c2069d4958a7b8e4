/** Keys whose values are personal data or secrets; audit entries keep the key and hide the value. */
const SENSITIVE_KEYS = new Set(
  [
    'password',
    'newPassword',
    'currentPassword',
    'password_hash',
    'token',
    'refreshToken',
    'totpCode',
    'code',
    'secret',
    'otpauthUri',
    'token_hash',
    'two_factor_secret',
    'nicPassport',
    'nic_passport',
    'nic_passport_index',
    'id_document_index',
    'address',
    // free text that can carry anyone's name or circumstances: guest notes, rendered notifications, template
    // variables, self-exclusion reasons
    'notes',
    'title',
    'content',
    'variables',
    'metadata',
    'selfExclusionReason',
    'self_exclusion_reason',
    'idDocument',
    'id_document',
    'salary',
    'firstName',
    'first_name',
    'lastName',
    'last_name',
    'fullName',
    'full_name',
    'email',
    'phone',
    'dateOfBirth',
    'date_of_birth',
    'emergencyContact',
    'emergency_contact',
    'recipientEmail',
    'recipient_email',
    'recipientPhone',
    'recipient_phone',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';

/** Stands for whatever lies deeper than `REDACTION_MAX_DEPTH`: kept out of the trail, so nothing in it leaks. */
export const TOO_DEEP = '[nested too deep]';

/**
 * Levels of nesting an audited value keeps. Inputs are far shallower (JSON inputs are bounded); anything
 * deeper is replaced whole, so the stored entry stays readable and nothing under it is kept in clear.
 */
export const REDACTION_MAX_DEPTH = 24;

/**
 * What compliance accepts as one audit event's `changes`: a before and an after of redacted values, each at most
 * `REDACTION_MAX_DEPTH` deep; wider than the bounds on client JSON inputs because a change carries whole
 * documents (with their JSON fields) twice.
 */
export const AUDIT_CHANGES_LIMITS = {
  maxDepth: REDACTION_MAX_DEPTH + 2,
  maxBytes: 1_048_576,
  maxKeys: 20_000,
} as const;

/**
 * A deep copy with personal data and secrets replaced, safe to store in the audit trail or to log. Walks
 * without recursion, so no value is too deep to redact.
 */
export function redact(value: unknown): unknown {
  const root: { value?: unknown } = {};
  const stack: { value: unknown; depth: number; assign: (out: unknown) => void }[] = [
    { value, depth: 0, assign: (out) => (root.value = out) },
  ];
  while (stack.length > 0) {
    const { value: item, depth, assign } = stack.pop()!;
    if (item === null || item === undefined) {
      assign(null);
    } else if (item instanceof Date) {
      assign(item.toISOString());
    } else if (typeof item !== 'object') {
      assign(item);
    } else if (depth >= REDACTION_MAX_DEPTH) {
      assign(TOO_DEEP);
    } else if (Array.isArray(item)) {
      const out: unknown[] = new Array<unknown>(item.length);
      assign(out);
      item.forEach((element, index) =>
        stack.push({ value: element, depth: depth + 1, assign: (v) => (out[index] = v) }),
      );
    } else if (typeof (item as { toJSON?: unknown }).toJSON === 'function' && item.constructor !== Object) {
      assign(String(item));
    } else {
      const out: Record<string, unknown> = {};
      assign(out);
      for (const [key, element] of Object.entries(item)) {
        if (key === '_id') continue;
        // the key is placed now so the copy keeps the original key order
        out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? (element === null ? null : REDACTED) : null;
        if (out[key] === null && element !== null) {
          stack.push({ value: element, depth: depth + 1, assign: (v) => (out[key] = v) });
        }
      }
    }
  }
  return root.value;
}

/**
 * Keys whose values are free-form JSON a caller chose (a member's preferences, a notification's variables):
 * kept as written, so their keys are not renamed.
 */
const FREE_FORM_KEYS = new Set(['preferences', 'metadata', 'variables']);

const camelCase = (key: string) => key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The same value with its keys as the API names them (`member_id` → `memberId`), so an audit entry reads the
 * same whether the change came from a stored document (a successful write) or from the input (a refusal or a
 * failure). A key already in camelCase is kept; values under free-form keys keep their keys. Walks without
 * recursion, like `redact` (whose output it is given, so it is bounded in depth).
 */
export function camelCaseKeys(value: unknown): unknown {
  const root: { value?: unknown } = {};
  const stack: { value: unknown; assign: (out: unknown) => void }[] = [
    { value, assign: (out) => (root.value = out) },
  ];
  while (stack.length > 0) {
    const { value: item, assign } = stack.pop()!;
    if (item === null || typeof item !== 'object' || item instanceof Date) {
      assign(item);
    } else if (Array.isArray(item)) {
      const out: unknown[] = new Array<unknown>(item.length);
      assign(out);
      item.forEach((element, index) => stack.push({ value: element, assign: (v) => (out[index] = v) }));
    } else {
      const out: Record<string, unknown> = {};
      assign(out);
      for (const [key, element] of Object.entries(item)) {
        const name = camelCase(key);
        // a document carrying both spellings keeps the camelCase one
        if (name !== key && Object.prototype.hasOwnProperty.call(item, name)) continue;
        out[name] = null;
        if (FREE_FORM_KEYS.has(name)) out[name] = element;
        else stack.push({ value: element, assign: (v) => (out[name] = v) });
      }
    }
  }
  return root.value;
}
