// «Mot de passe oublié ?»: identifier → security question → answer → a single-use link valid
// 30 minutes, mailed by the passwordReset workflow → new password. Answers are throttled.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Account, Commune, PasswordReset } from '../../db/entities';
import { checkPassword } from '../../domain/password-policy';
import { AppError, ValidationError, type FieldErrors } from '../errors';
import { frenchMessages, validate } from '../validation/french-joi';
import { normaliseLoginKey, type AccountService } from './accounts.service';
import type { Processes } from './processes';
import { hashSecret, normaliseAnswer, sha256Hex, verifySecret } from './secrets';
import { retryLater, type Throttle } from './throttle';
import { deleteResidentSessions } from '../middleware/session';
import Joi from 'joi';

const ANSWER_LOCK_MESSAGE = retryLater('Trop de réponses incorrectes');
const START_LOCK_MESSAGE = retryLater('Trop de demandes pour des identifiants inconnus');
const LINK_LOCK_MESSAGE = retryLater('Trop de liens de réinitialisation invalides');

export class ResetLinkInvalidError extends AppError {
  constructor() {
    super(410, 'reset_link_invalid', "Ce lien n'est plus valable : il a déjà servi ou a expiré. Recommencez la démarche « Mot de passe oublié ? ».");
  }
}

const identifierSchema = Joi.object({
  identifiant: Joi.string().trim().max(254).required().messages(frenchMessages("L'identifiant")),
});
const answerSchema = Joi.object({
  reponse: Joi.string().trim().max(100).required().messages(frenchMessages('La réponse')),
});
const newPasswordSchema = Joi.object({
  nouveau_mot_de_passe: Joi.string().max(128).required().messages(frenchMessages('Le nouveau mot de passe')),
  nouveau_mot_de_passe_confirmation: Joi.string().required().messages(frenchMessages('La confirmation du mot de passe')),
});

export interface PasswordResetServiceDeps {
  dataSource: DataSource;
  accounts: AccountService;
  processes: Processes;
  answerThrottle: Throttle;
  /** Unknown identifiers at the first step (per identifier and per address): no account fishing. */
  startThrottle: Throttle;
  /** Invalid links (per address): no token guessing. */
  linkThrottle: Throttle;
  now?: () => Date;
}

export class PasswordResetService {
  private readonly now: () => Date;

  constructor(private readonly deps: PasswordResetServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Step 1: the identifier (or email) gives the account whose question is asked. */
  async start(commune: Commune, input: unknown, ip: string): Promise<{ accountId: number; question: string }> {
    const { identifiant } = validate(identifierSchema, input) as { identifiant: string };
    const keys = [`${commune.id}:${normaliseLoginKey(identifiant)}`, `ip:${ip}`];
    await this.deps.startThrottle.assertAllowed(keys, START_LOCK_MESSAGE);
    const account = await this.deps.accounts.findByLogin(commune, identifiant);
    if (!account) {
      await this.deps.startThrottle.recordFailure(keys, START_LOCK_MESSAGE);
      throw new ValidationError({ identifiant: 'Aucun compte ne correspond à cet identifiant.' });
    }
    return { accountId: account.id, question: account.securityQuestion };
  }

  /** Step 2: a right answer starts the workflow that mails the link. */
  async answer(commune: Commune, accountId: number, input: unknown, ip: string): Promise<void> {
    const { reponse } = validate(answerSchema, input) as { reponse: string };
    const keys = [`account:${accountId}`, `ip:${ip}`];
    await this.deps.answerThrottle.assertAllowed(keys, ANSWER_LOCK_MESSAGE);
    const account = await this.deps.dataSource.getRepository(Account).findOneBy({ id: accountId, communeId: commune.id });
    if (!account || !(await verifySecret(account.securityAnswerHash, normaliseAnswer(reponse)))) {
      await this.deps.answerThrottle.recordFailure(keys, ANSWER_LOCK_MESSAGE);
      throw new ValidationError({ reponse: 'La réponse ne correspond pas à celle que vous avez enregistrée.' });
    }
    await this.deps.answerThrottle.reset(keys[0]);
    await this.deps.processes.startPasswordReset({ requestId: randomUUID(), accountId, communeSlug: commune.slug });
  }

  /** Step 3, from the mailed link: is the token still usable? */
  async checkToken(commune: Commune, token: string, ip: string): Promise<{ reset: PasswordReset; account: Account }> {
    const keys = [`ip:${ip}`];
    await this.deps.linkThrottle.assertAllowed(keys, LINK_LOCK_MESSAGE);
    try {
      return await this.findToken(commune, token);
    } catch (err) {
      if (err instanceof ResetLinkInvalidError) await this.deps.linkThrottle.recordFailure(keys, LINK_LOCK_MESSAGE);
      throw err;
    }
  }

  private async findToken(commune: Commune, token: string): Promise<{ reset: PasswordReset; account: Account }> {
    const reset = /^[A-Za-z0-9_-]{20,100}$/.test(token)
      ? await this.deps.dataSource.getRepository(PasswordReset).findOneBy({ tokenHash: sha256Hex(token) })
      : null;
    if (!reset || reset.usedAt || reset.expiresAt.getTime() <= this.now().getTime()) throw new ResetLinkInvalidError();
    const account = await this.deps.dataSource.getRepository(Account).findOneBy({ id: reset.accountId, communeId: commune.id });
    if (!account) throw new ResetLinkInvalidError();
    return { reset, account };
  }

  /** Step 4: the new password; the link is consumed by a conditional update, so it works once. */
  async resetPassword(commune: Commune, token: string, input: unknown, ip: string): Promise<Account> {
    const { reset, account } = await this.checkToken(commune, token, ip);
    const value = validate(newPasswordSchema, input) as { nouveau_mot_de_passe: string; nouveau_mot_de_passe_confirmation: string };
    const errors: FieldErrors = {};
    const verdict = checkPassword(value.nouveau_mot_de_passe, {
      identifier: account.identifier, firstName: account.firstName, lastName: account.lastName, email: account.email,
    });
    if (!verdict.ok) errors.nouveau_mot_de_passe = verdict.message;
    if (value.nouveau_mot_de_passe !== value.nouveau_mot_de_passe_confirmation) {
      errors.nouveau_mot_de_passe_confirmation = 'Les deux mots de passe saisis ne sont pas identiques.';
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const passwordHash = await hashSecret(value.nouveau_mot_de_passe);
    await this.deps.dataSource.transaction(async (em) => {
      const used = await em
        .createQueryBuilder()
        .update(PasswordReset)
        .set({ usedAt: this.now() })
        .where('id = :id AND used_at IS NULL AND expires_at > :now', { id: reset.id, now: this.now() })
        .execute();
      if (used.affected !== 1) throw new ResetLinkInvalidError();
      await em.getRepository(Account).update({ id: account.id }, { passwordHash, version: () => 'version + 1' });
      // Whoever was logged in with the old password is logged out.
      await deleteResidentSessions(em, account.id);
    });
    await this.deps.processes.startPasswordChangedNotice({ accountId: account.id, communeSlug: commune.slug, changedAt: this.now() });
    return account;
  }
}
