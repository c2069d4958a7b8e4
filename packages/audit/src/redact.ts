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

/** A deep copy with personal data and secrets replaced, safe to store in the audit trail or to log. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (typeof value === 'object') {
    const source = value as Record<string, unknown>;
    if (typeof (source as { toJSON?: unknown }).toJSON === 'function' && !(value.constructor === Object)) {
      return String(value);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      if (key === '_id') continue;
      out[key] = SENSITIVE_KEYS.has(key.toLowerCase())
        ? item === null
          ? null
          : REDACTED
        : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}
