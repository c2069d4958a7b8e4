import { createHash, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { issueAccessToken, unauthenticatedError } from '@casino/auth';
import type { Identity, TokenSettings } from '@casino/auth';
import { ErrorCode, rateLimited, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { AdminUserDocument, AdminUserStore } from '../admins/admin-user-store';
import { adminOf } from '../admins/caller';
import { dummyPasswordHash, verifyPassword } from '../admins/password';
import { PASSWORD_RULES } from '../settings';
import type { Changed } from '../audit/changes';
import type { ComplianceSettings } from '../settings';
import type { LoginThrottlePolicy, LoginThrottleStore } from './login-throttle-store';
import type { AdminSessionStore } from './session-store';
import { sessionIdOf } from './session-store';
import type { TwoFactorService } from './two-factor-service';

/** What a successful sign-in or refresh hands back (the LoginPayload). */
export interface LoginResult {
  token: string;
  expiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: AdminUserDocument;
}

/** One answer for every failed sign-in, so it does not tell whether the username, password or lock was the cause. */
export const INVALID_CREDENTIALS = 'The username, password or two-factor code is not correct';

const invalidCredentials = () => unauthenticatedError(INVALID_CREDENTIALS);

/** A sign-in (or password check) refused for rate reasons, before any password was looked at. */
export const tooManyAttempts = (until: Date, now: Date) =>
  rateLimited('Too many sign-in attempts: try again later', until.getTime() - now.getTime());

const invalidRefreshToken = () => unauthenticatedError('The refresh token is not valid: sign in again');

/** Usernames are compared in lower case, at sign-in as at creation. */
export const normaliseUsername = (username: string) => username.trim().toLowerCase();

const loginSchema = z.object({
  username: z.string().trim().min(1, 'is required').max(100, 'is too long').transform(normaliseUsername),
  // no minimum: a short password simply does not match; the maximum bounds the hashing work
  password: z.string().max(PASSWORD_RULES.maxLength, 'is too long'),
  totpCode: z.string().max(16, 'is too long').nullish(),
});

const refreshSchema = z.object({ refreshToken: z.string().max(200) });

export type LoginInput = z.input<typeof loginSchema>;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Sign-in with password (and TOTP when enabled), refresh-token rotation and sign-out. */
export class AuthService {
  constructor(
    private readonly stores: {
      admins: AdminUserStore;
      sessions: AdminSessionStore;
      throttle: LoginThrottleStore;
    },
    private readonly twoFactor: TwoFactorService,
    private readonly throttlePolicy: LoginThrottlePolicy,
    private readonly settings: Pick<ComplianceSettings, 'refreshTokenTtlSeconds'>,
    private readonly tokens: TokenSettings,
  ) {}

  /**
   * `address` is the client's (null when unknown: such requests share one bucket). A refusal for rate
   * reasons is decided from the counters before the password is looked at, so RATE_LIMITED says nothing about
   * the password and is answered as such, with when to retry; it cannot tell a real username from an unknown
   * one either, since those are counted alike. Every attempt that does reach the password check and fails
   * (unknown username, wrong password, inactive account, wrong code) keeps one indistinguishable answer.
   */
  async login(
    rawInput: LoginInput,
    address: string | null = null,
    now = new Date(),
  ): Promise<Changed<LoginResult>> {
    const input = validateInput(loginSchema, rawInput);
    const { admins, throttle } = this.stores;
    const refusedUntil = await throttle.refusedUntil(input.username, address, now, this.throttlePolicy);
    if (refusedUntil) throw tooManyAttempts(refusedUntil, now);
    const user = await admins.findByUsername(input.username);
    // an unknown username costs the same argon2 verification as a known one
    const passwordMatches = await verifyPassword(
      user?.password_hash ?? (await dummyPasswordHash()),
      input.password,
    );
    if (!user || !user.is_active || !passwordMatches) return this.refuse(input.username, address, now);
    if (user.two_factor_enabled) {
      if (!input.totpCode) {
        throw new GraphQLError('A two-factor code is required for this account', {
          extensions: { code: ErrorCode.Unauthenticated, twoFactorRequired: true },
        });
      }
      if (!(await this.twoFactor.acceptSignInCode(user, input.totpCode, now))) {
        return this.refuse(input.username, address, now);
      }
    }
    await throttle.forgetPair(input.username, address);
    const signedIn = (await admins.updateIf(user.id, {}, { $set: { last_login: now } })) ?? user;
    return this.issue(signedIn, now);
  }

  private async refuse(username: string, address: string | null, now: Date): Promise<never> {
    await this.stores.throttle.recordFailure(username, address, now, this.throttlePolicy);
    throw invalidCredentials();
  }

  /**
   * Exchanges a refresh token for a new pair. The old token is revoked in the same atomic step; presenting
   * it again means it was copied, so every session of that account is revoked.
   */
  async refresh(rawInput: { refreshToken: string }, now = new Date()): Promise<Changed<LoginResult>> {
    const input = validateInput(refreshSchema, rawInput);
    const tokenHash = sha256(input.refreshToken);
    const session = await this.stores.sessions.claim(tokenHash, now);
    if (!session) {
      const known = await this.stores.sessions.findByHash(tokenHash);
      if (known?.revoked_reason === 'rotated') {
        await this.stores.sessions.revokeAllOf(known.user_id, 'reuse_detected', now);
      }
      throw invalidRefreshToken();
    }
    const user = await this.stores.admins.findById(session.user_id);
    if (!user || !user.is_active) throw invalidRefreshToken();
    // the refreshed tokens continue the same sign-in session: signing out ends all of them
    return this.issue(user, now, sessionIdOf(session));
  }

  /** Revokes one of the caller's refresh tokens; whether it was live. */
  async logout(identity: Identity, rawInput: { refreshToken: string }, now = new Date()): Promise<boolean> {
    const caller = adminOf(identity);
    const input = validateInput(refreshSchema, rawInput);
    const revoked = await this.stores.sessions.revokeOne(
      sha256(input.refreshToken),
      caller.userId,
      'logout',
      now,
    );
    // the access token used to sign out stops working too, whichever refresh token was presented
    if (caller.sessionId) await this.stores.sessions.revokeSession(caller.sessionId, caller.userId, now);
    return revoked;
  }

  /** New tokens for the account; the audit entry keeps who signed in, never a token. */
  private async issue(
    user: AdminUserDocument,
    now: Date,
    sessionId: string = newId(),
  ): Promise<Changed<LoginResult>> {
    // the role and permissions come from the account as it is now, so a refresh picks up any change
    const { token, expiresAt } = await issueAccessToken(
      {
        userId: user.id,
        sessionId,
        username: user.username,
        role: user.role,
        department: user.department,
        permissions: user.permissions,
      },
      this.tokens,
      now.getTime(),
    );
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTokenExpiresAt = new Date(now.getTime() + this.settings.refreshTokenTtlSeconds * 1000);
    await this.stores.sessions.insert({
      id: newId(),
      session_id: sessionId,
      user_id: user.id,
      token_hash: sha256(refreshToken),
      created_at: now,
      expires_at: refreshTokenExpiresAt,
      revoked_at: null,
      revoked_reason: null,
    });
    return {
      result: { token, expiresAt, refreshToken, refreshTokenExpiresAt, user },
      before: null,
      after: { user_id: user.id, username: user.username, role: user.role },
    };
  }
}
