/**
 * Accounts: sign-up with e-mail confirmation, login, password reset, profile, password change and
 * deletion. Answers never reveal whether an e-mail address has an account, in words or in timing: the
 * requests that would (sign-up, resend, reset) are checked, queued and answered at once, and the job
 * looks the address up.
 */
import type { Knex } from "knex";
import type { Logger } from "pino";
import { normaliseEmail, type Config } from "../config.js";
import type { Database } from "../db/database.js";
import { emailNotConfirmed, invalidCredentials, invalidRequest, invalidToken, wrongPassword } from "../errors.js";
import { seal } from "../jobs/sealed.js";
import { enqueueEmail, enqueueJob } from "../jobs/worker.js";
import { alreadyRegisteredMessage, confirmEmailMessage, pendingAccountMessage, resetPasswordMessage } from "../mail/messages.js";
import type { EmailTokenPurpose } from "../models/EmailToken.js";
import type { User } from "../models/User.js";
import { announceAuthChange } from "./auth-cache.js";
import type { LoginThrottle } from "./login-throttle.js";
import { MAX_PASSWORD_BYTES, passwordProblem, type Passwords } from "./passwords.js";
import type { Sessions } from "./sessions.js";
import { projectsLeftWithoutOwner, soleOwner } from "./projects/owners.js";
import { randomToken, tokenHash } from "./tokens.js";

const HOUR = 60 * 60 * 1000;
const TOKEN_LIFETIME: Record<EmailTokenPurpose, number> = { confirm_email: 24 * HOUR, reset_password: HOUR };
/** At most one e-mail of a kind per account per minute, however often someone asks. */
const RESEND_INTERVAL_MS = 60 * 1000;
/** Serialises registrations: "the first user is an admin" must hold when two sign up at once. */
const REGISTRATION_LOCK = 0x62616279; // "baby"

/** Jobs that finish account requests out of the request's sight. */
export const ACCOUNT_TASKS = {
  register: "account_register",
  resend: "account_resend_confirmation",
  reset: "account_request_password_reset",
} as const;

export interface ClientDetails {
  ip: string;
  userAgent?: string;
}

/** The queued half of a sign-up (the account_register job's payload, sealed): a password hash, never the password. */
export interface RegistrationRequest {
  email: string;
  name: string;
  passwordHash: string;
}

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly passwords: Passwords,
    private readonly sessions: Sessions,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
  ) {}

  /** A platform admin: marked so (the first user), or listed in ADMIN_EMAILS. */
  isAdmin(user: User): boolean {
    return user.isAdmin || this.config.adminEmails.includes(user.email);
  }

  private link(path: string, token?: string): string {
    return `${this.config.publicUrl}${path}${token ? `?token=${token}` : ""}`;
  }

  private checkNewPassword(password: string, email: string, field = "password"): void {
    const problem = passwordProblem(password, email);
    if (problem) throw invalidRequest([{ path: field, message: problem }]);
  }

  private async issueEmailToken(trx: Knex.Transaction, user: User, purpose: EmailTokenPurpose): Promise<string> {
    const token = randomToken();
    await this.db.models.EmailToken.query(trx).insert({
      userId: user.id,
      purpose,
      tokenHash: tokenHash(this.config.sessionSecret, token),
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME[purpose]),
    });
    return token;
  }

  private async sentRecently(trx: Knex.Transaction, user: User, purpose: EmailTokenPurpose): Promise<boolean> {
    const recent = await this.db.models.EmailToken.query(trx)
      .where({ userId: user.id, purpose })
      .where("createdAt", ">", new Date(Date.now() - RESEND_INTERVAL_MS))
      .first();
    return recent !== undefined;
  }

  /**
   * Checks the request and queues it; the answer is the same whether or not the address has an account,
   * and takes the same time (every sign-up hashes its password).
   */
  async register(input: { email: string; password: string; name: string }): Promise<{ email: string; name: string; emailConfirmed: false }> {
    const email = normaliseEmail(input.email);
    this.checkNewPassword(input.password, email);
    const request: RegistrationRequest = { email, name: input.name, passwordHash: await this.passwords.hash(input.password) };
    await enqueueJob(this.db.knex, ACCOUNT_TASKS.register, seal(this.config.secretsKey, ACCOUNT_TASKS.register, request), { maxAttempts: 5 });
    return { email, name: input.name, emailConfirmed: false };
  }

  /**
   * The queued half of a sign-up: creates the account and mails a confirmation link, or tells the owner of
   * a taken address. A second sign-up never changes an existing account's password, not even an
   * unconfirmed one: its owner sets one through a mailed link, so an address claimed in advance by
   * someone else returns to its owner. The job runs again when its worker died before recording it done:
   * an account holding this very request's hash (bcrypt salts each hash) is this request's, already
   * created with its mail queued, and nothing more happens.
   */
  async completeRegistration(request: RegistrationRequest): Promise<void> {
    const { User } = this.db.models;
    await this.db.knex.transaction(async (trx) => {
      await trx.raw("select pg_advisory_xact_lock(?)", [REGISTRATION_LOCK]);
      const existing = await User.query(trx).findOne({ email: request.email }).forUpdate();
      if (existing?.passwordHash === request.passwordHash) return;
      if (existing) {
        await this.notifyOwner(trx, existing);
        return;
      }
      const first = (await User.query(trx).first()) === undefined;
      const user = await User.query(trx).insertAndFetch({ email: request.email, name: request.name, passwordHash: request.passwordHash, isAdmin: first, emailConfirmedAt: null });
      const token = await this.issueEmailToken(trx, user, "confirm_email");
      await enqueueEmail(trx, confirmEmailMessage(request.email, request.name, this.link("/confirm-email", token)), this.config.secretsKey);
    });
  }

  /** Tells an address's owner that someone signed up with it; at most once a minute, so nobody can flood a mailbox. */
  private async notifyOwner(trx: Knex.Transaction, user: User): Promise<void> {
    if (user.notifiedAt && Date.now() - user.notifiedAt.getTime() < RESEND_INTERVAL_MS) return;
    await user.$query(trx).patch({ notifiedAt: new Date() });
    if (user.emailConfirmedAt) {
      await enqueueEmail(trx, alreadyRegisteredMessage(user.email, this.link("/login"), this.link("/forgot-password")), this.config.secretsKey);
    } else {
      const token = await this.issueEmailToken(trx, user, "reset_password");
      await enqueueEmail(trx, pendingAccountMessage(user.email, this.link("/reset-password", token)), this.config.secretsKey);
    }
  }

  /** Uses a token exactly once, atomically; another request with the same token finds it used. */
  private async consumeToken(trx: Knex.Transaction, token: string, purpose: EmailTokenPurpose): Promise<User> {
    const [row] = await this.db.models.EmailToken.query(trx)
      .patch({ usedAt: new Date() })
      .where({ tokenHash: tokenHash(this.config.sessionSecret, token), purpose })
      .whereNull("usedAt")
      .where("expiresAt", ">", new Date())
      .returning("*");
    if (!row) throw invalidToken();
    const user = await this.db.models.User.query(trx).findById(row.userId).forUpdate();
    if (!user) throw invalidToken();
    return user;
  }

  async confirmEmail(token: string): Promise<User> {
    return this.db.knex.transaction(async (trx) => {
      const user = await this.consumeToken(trx, token, "confirm_email");
      return user.emailConfirmedAt ? user : user.$query(trx).patchAndFetch({ emailConfirmedAt: new Date() });
    });
  }

  async resendConfirmation(emailInput: string): Promise<void> {
    await enqueueJob(this.db.knex, ACCOUNT_TASKS.resend, { email: normaliseEmail(emailInput) }, { maxAttempts: 5 });
  }

  async completeResend({ email }: { email: string }): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const user = await this.db.models.User.query(trx).findOne({ email }).forUpdate();
      if (!user || user.emailConfirmedAt || (await this.sentRecently(trx, user, "confirm_email"))) return;
      const token = await this.issueEmailToken(trx, user, "confirm_email");
      await enqueueEmail(trx, confirmEmailMessage(email, user.name, this.link("/confirm-email", token)), this.config.secretsKey);
    });
  }

  async login(input: { email: string; password: string }, client: ClientDetails): Promise<{ user: User; token: string }> {
    const email = normaliseEmail(input.email);
    const attempt = await this.throttle.begin(email, client.ip);
    const user = await this.db.models.User.query().findOne({ email });
    const valid = user ? await this.verifyOwnPassword(user, input.password) : await this.passwords.verifyNothing(input.password);
    if (!user || !valid) throw invalidCredentials();
    await attempt.succeeded();
    // Only someone who knows the password learns that the address is unconfirmed.
    if (!user.emailConfirmedAt) throw emailNotConfirmed();
    const { token } = await this.sessions.create(user, client);
    this.logger.info({ userId: user.id }, "login");
    return { user, token };
  }

  async requestPasswordReset(emailInput: string): Promise<void> {
    await enqueueJob(this.db.knex, ACCOUNT_TASKS.reset, { email: normaliseEmail(emailInput) }, { maxAttempts: 5 });
  }

  async completePasswordResetRequest({ email }: { email: string }): Promise<void> {
    await this.db.knex.transaction(async (trx) => {
      const user = await this.db.models.User.query(trx).findOne({ email }).forUpdate();
      if (!user || (await this.sentRecently(trx, user, "reset_password"))) return;
      const token = await this.issueEmailToken(trx, user, "reset_password");
      await enqueueEmail(trx, resetPasswordMessage(email, this.link("/reset-password", token)), this.config.secretsKey);
    });
  }

  /**
   * Sets the password and confirms the address (the link proved the mailbox). A reset is how an account is
   * recovered, so everything that could still act for the old owner ends: sessions, personal access tokens
   * and the other outstanding links.
   */
  async resetPassword(token: string, password: string): Promise<void> {
    const pending = await this.db.models.EmailToken.query().findOne({ tokenHash: tokenHash(this.config.sessionSecret, token), purpose: "reset_password" });
    const owner = pending && (await this.db.models.User.query().findById(pending.userId));
    if (!pending || !owner || pending.usedAt || pending.expiresAt.getTime() <= Date.now()) throw invalidToken();
    this.checkNewPassword(password, owner.email);
    const passwordHash = await this.passwords.hash(password);
    await this.db.knex.transaction(async (trx) => {
      const user = await this.consumeToken(trx, token, "reset_password");
      await user.$query(trx).patch({ passwordHash, emailConfirmedAt: user.emailConfirmedAt ?? new Date() });
      await this.sessions.revokeAllOf(user.id, undefined, trx);
      await this.db.models.ApiToken.query(trx).delete().where({ userId: user.id });
      await this.db.models.EmailToken.query(trx).delete().where({ userId: user.id }).whereNull("usedAt");
    });
    this.sessions.forgetUser(owner.id);
  }

  async updateProfile(user: User, changes: { name?: string }): Promise<User> {
    if (changes.name === undefined) return user;
    const updated = await this.db.knex.transaction(async (trx) => {
      await announceAuthChange(trx, user.id);
      return user.$query(trx).patchAndFetch({ name: changes.name });
    });
    this.sessions.forgetUser(user.id);
    return updated;
  }

  /**
   * Changes the password and ends the user's other sessions and outstanding reset links; `currentSessionId`
   * stays logged in. Wrong current passwords count against the same throttle as logins.
   */
  async changePassword(user: User, currentPassword: string, newPassword: string, client: ClientDetails, currentSessionId?: string): Promise<void> {
    await this.checkCurrentPassword(user, currentPassword, "currentPassword", client);
    this.checkNewPassword(newPassword, user.email, "newPassword");
    const passwordHash = await this.passwords.hash(newPassword);
    await this.db.knex.transaction(async (trx) => {
      await user.$query(trx).patch({ passwordHash });
      await this.sessions.revokeAllOf(user.id, currentSessionId, trx);
      await this.db.models.EmailToken.query(trx).delete().where({ userId: user.id, purpose: "reset_password" }).whereNull("usedAt");
    });
    this.sessions.forgetUser(user.id);
  }

  /**
   * Deletes the account and its memberships; projects it created stay with their owners. Refused while the
   * user is the only owner of a project, which would otherwise be left without anyone to manage it.
   */
  async deleteAccount(user: User, password: string, client: ClientDetails): Promise<void> {
    await this.checkCurrentPassword(user, password, "password", client);
    await this.db.knex.transaction(async (trx) => {
      // The projects the deletion touches (memberships, and the creator column), locked in one order: the
      // project changes lock a project row before they check its owners, so a co-owner cannot leave while
      // this check counts them, and the deletion's own updates cannot deadlock with those changes.
      await trx.raw(
        `select id from projects
          where owner_id = :user or id in (select project_id from project_members where user_id = :user)
          order by id for update`,
        { user: user.id },
      );
      // The owners of every project the user owns, asked the owner rule (projects/owners.ts) the member changes ask.
      const { rows } = await trx.raw<{ rows: { name: string; owner_id: string }[] }>(
        `select p.name, o.user_id as owner_id from projects p
           join project_members m on m.project_id = p.id and m.user_id = :user and m.role = 'owner'
           join project_members o on o.project_id = p.id and o.role = 'owner'
          order by p.name, o.user_id`,
        { user: user.id },
      );
      const owners = new Map<string, string[]>();
      for (const row of rows) owners.set(row.name, [...(owners.get(row.name) ?? []), String(row.owner_id)]);
      const soleOwned = projectsLeftWithoutOwner(
        [...owners].map(([project, ownerIds]) => ({ project, ownerIds })),
        user.id,
      );
      if (soleOwned.length > 0) throw soleOwner(soleOwned);
      await this.db.models.User.query(trx).deleteById(user.id);
      await announceAuthChange(trx, user.id);
    });
    this.sessions.forgetUser(user.id);
    this.logger.info({ userId: user.id }, "account deleted");
  }

  private async checkCurrentPassword(user: User, password: string, field: string, client: ClientDetails): Promise<void> {
    const attempt = await this.throttle.begin(user.email, client.ip);
    if (!(await this.verifyOwnPassword(user, password))) throw wrongPassword(field);
    await attempt.succeeded();
  }

  private async verifyOwnPassword(user: User, password: string): Promise<boolean> {
    // bcrypt ignores bytes past 72: a longer password would match a stored one that is its prefix.
    if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) return this.passwords.verifyNothing(password);
    return this.passwords.verify(password, user.passwordHash);
  }
}
