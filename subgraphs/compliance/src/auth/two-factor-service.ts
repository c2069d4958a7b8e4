import type { Identity } from '@casino/auth';
import { badUserInput, conflict } from '@casino/errors';
import type { AdminUserDocument, AdminUserStore } from '../admins/admin-user-store';
import { activeCaller, adminAuditView } from '../admins/caller';
import type { Changed } from '../audit/changes';
import type { ComplianceSettings } from '../settings';
import type { AdminTwoFactorStore } from './two-factor-store';
import { base32Decode, generateTotpSecret, otpauthUri, verifyTotp } from './totp';
import type { TotpOptions } from './totp';

export interface TwoFactorEnrollmentResult {
  secret: string;
  otpauthUri: string;
}

type Settings = Pick<
  ComplianceSettings,
  'totpStepSeconds' | 'totpWindowSteps' | 'totpIssuer' | 'twoFactorEnrollmentMinutes'
>;

/** Enrolment of the caller in TOTP two-factor sign-in, and the check of a code at sign-in. */
export class TwoFactorService {
  private readonly totp: TotpOptions;

  constructor(
    private readonly stores: { admins: AdminUserStore; twoFactor: AdminTwoFactorStore },
    private readonly settings: Settings,
  ) {
    this.totp = { stepSeconds: settings.totpStepSeconds, digits: 6, algorithm: 'sha1' };
  }

  /**
   * A new secret for the caller, pending until a code made with it is confirmed. The secret is the one thing
   * this answers; what the audit entry keeps is who enrolled and until when.
   */
  async begin(identity: Identity, now = new Date()): Promise<Changed<TwoFactorEnrollmentResult>> {
    const caller = await activeCaller(this.stores.admins, identity);
    if (caller.two_factor_enabled)
      throw conflict('Two-factor authentication is already enabled for this account');
    const secret = generateTotpSecret();
    // stored sealed; the plaintext leaves only in this answer, once
    const expiresAt = new Date(now.getTime() + this.settings.twoFactorEnrollmentMinutes * 60_000);
    await this.stores.twoFactor.setPending(caller.id, secret, expiresAt, now);
    return {
      result: {
        secret,
        otpauthUri: otpauthUri({
          secret,
          issuer: this.settings.totpIssuer,
          account: caller.username,
          ...this.totp,
        }),
      },
      before: null,
      after: { user_id: caller.id, pending_until: expiresAt },
    };
  }

  /** Enables two-factor sign-in once the caller proves their authenticator produces the pending secret's codes. */
  async confirm(identity: Identity, code: string, now = new Date()): Promise<Changed<AdminUserDocument>> {
    const caller = await activeCaller(this.stores.admins, identity);
    if (caller.two_factor_enabled)
      throw conflict('Two-factor authentication is already enabled for this account');
    const record = await this.stores.twoFactor.findByUser(caller.id);
    const stored = record?.pending_secret;
    if (!stored || !record.pending_expires_at || record.pending_expires_at <= now) {
      throw conflict('No two-factor enrolment is waiting for confirmation: begin one first');
    }
    const pending = this.stores.twoFactor.openSecret(record, 'pending_secret')!;
    const step = verifyTotp(base32Decode(pending), code, now, this.settings.totpWindowSteps, this.totp);
    if (step === null) throw badUserInput('code', 'is not the current code of the authenticator');
    if (!(await this.stores.twoFactor.confirmPending(caller.id, stored, pending, step, now))) {
      throw conflict('The enrolment changed meanwhile: begin again');
    }
    const enabled = await this.stores.admins.updateIf(caller.id, {}, { $set: { two_factor_enabled: true } });
    return { result: enabled!, before: adminAuditView(caller), after: adminAuditView(enabled) };
  }

  /** Whether `code` is a current, not yet used code of the user's confirmed secret; uses it up if so. */
  async acceptSignInCode(user: AdminUserDocument, code: string, now: Date): Promise<boolean> {
    const record = await this.stores.twoFactor.findByUser(user.id);
    if (!record?.secret) return false;
    const secret = this.stores.twoFactor.openSecret(record, 'secret')!;
    const step = verifyTotp(base32Decode(secret), code, now, this.settings.totpWindowSteps, this.totp);
    if (step === null) return false;
    return this.stores.twoFactor.claimStep(user.id, record.secret, step, now);
  }
}
