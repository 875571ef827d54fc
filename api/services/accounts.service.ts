// Everything a resident does with their household account: sign-up, login, changes, members.
// Access rules live here, so the HTML pages and the JSON API apply the same ones.
import type { DataSource, EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { Account, AccountHistory, Commune, HouseholdMember } from '../../db/entities';
import { addBusinessDays, type HolidayZone } from '../../domain/business-days';
import { baseIdentifier, nextFreeIdentifier, normaliseIdentifier } from '../../domain/identifier';
import { checkPassword } from '../../domain/password-policy';
import type { CaptchaService } from '../captcha/captcha.service';
import {
  AccountLockedError,
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type FieldErrors,
} from '../errors';
import {
  contactSchema,
  identitySchema,
  memberSchema,
  passwordChangeSchema,
  securityQuestionChangeSchema,
  securitySchema,
} from '../validation/account';
import { validate } from '../validation/french-joi';
import type { Processes } from './processes';
import { hashSecret, normaliseAnswer, verifyAgainstDecoy, verifySecret } from './secrets';
import { LOGIN_LOCK_MESSAGE, retryLater, type Throttle } from './throttle';
import { deleteResidentSessions } from '../middleware/session';

export interface IdentityValues { civilite: string; prenom: string; nom: string; date_naissance: string }
export interface ContactValues {
  email: string; telephone: string | null; adresse: string; code_postal: string; ville: string; mode_communication: 'email' | 'sms';
}
export interface MemberValues {
  membre_type: 'adulte' | 'enfant'; membre_civilite: string; membre_prenom: string; membre_nom: string;
  membre_date_naissance: string; membre_lien?: string;
}
export interface SecurityValues { passwordHash: string; question: string; answerHash: string }

/** What the sign-up tabs have gathered so far (kept in the session: hashes only, never a password). */
export interface SignupDraft {
  identite?: IdentityValues;
  coordonnees?: ContactValues;
  foyer: MemberValues[];
  securite?: SecurityValues;
  /** Values typed in a tab that did not validate yet, redisplayed when coming back to it. */
  typed?: Record<string, Record<string, unknown>>;
}

export const MAX_MEMBERS = 12;

const SIGNUP_LOCK_MESSAGE = retryLater('Trop de créations de compte depuis cette adresse');

export interface AccountServiceDeps {
  dataSource: DataSource;
  captcha: CaptchaService;
  processes: Processes;
  loginThrottle: Throttle;
  /** Counts sign-up password steps per address: each costs two argon2 hashes. */
  signupThrottle: Throttle;
  now?: () => Date;
}

export class AccountService {
  private readonly now: () => Date;

  constructor(private readonly deps: AccountServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  // ——— sign-up, tab by tab ———

  validateIdentity(input: unknown): IdentityValues {
    return validate(identitySchema, input) as IdentityValues;
  }

  validateContact(input: unknown): ContactValues {
    const value = validate(contactSchema, input) as ContactValues;
    if (value.mode_communication === 'sms' && !value.telephone) {
      throw new ValidationError({ telephone: 'Le numéro de téléphone est obligatoire pour être informé par SMS.' });
    }
    return value;
  }

  validateMember(input: unknown): MemberValues {
    return validate(memberSchema, input) as MemberValues;
  }

  /** Checks the password policy and hashes the secrets: the draft never holds them in clear. */
  async validateSecurity(
    input: unknown,
    draft: Pick<SignupDraft, 'identite' | 'coordonnees'>,
    ip: string,
  ): Promise<SecurityValues> {
    await this.deps.signupThrottle.recordFailure([`ip:${ip}`], SIGNUP_LOCK_MESSAGE);
    const value = validate(securitySchema, input) as {
      mot_de_passe: string; mot_de_passe_confirmation: string; question: string; reponse: string;
    };
    const errors: FieldErrors = {};
    const verdict = checkPassword(value.mot_de_passe, {
      firstName: draft.identite?.prenom,
      lastName: draft.identite?.nom,
      email: draft.coordonnees?.email,
    });
    if (!verdict.ok) errors.mot_de_passe = verdict.message;
    if (value.mot_de_passe !== value.mot_de_passe_confirmation) {
      errors.mot_de_passe_confirmation = 'Les deux mots de passe saisis ne sont pas identiques.';
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return {
      passwordHash: await hashSecret(value.mot_de_passe),
      question: value.question,
      answerHash: await hashSecret(normaliseAnswer(value.reponse)),
    };
  }

  async assertEmailFree(commune: Commune, email: string, exceptAccountId?: number): Promise<void> {
    const existing = await this.deps.dataSource.getRepository(Account).findOneBy({ communeId: commune.id, email });
    if (existing && existing.id !== exceptAccountId) {
      throw new ConflictError('Un compte existe déjà avec cette adresse électronique.', {
        email: 'Un compte existe déjà avec cette adresse électronique : connectez-vous, ou utilisez « Mot de passe oublié ? ».',
      });
    }
  }

  /**
   * Creates the account from a complete draft once the «cryptogramme» is right. The account
   * row and the start of its validation workflow commit together: if the start fails, the
   * row is rolled back; if the commit fails after the start, the workflow finds no account.
   */
  async createAccount(commune: Commune, draft: SignupDraft, captcha: { id: string; answer: string }): Promise<Account> {
    const { identite, coordonnees, securite } = draft;
    if (!identite || !coordonnees || !securite) {
      throw new ValidationError({ _: 'Le formulaire est incomplet : complétez chaque onglet.' });
    }
    await this.assertEmailFree(commune, coordonnees.email);
    if (!(await this.deps.captcha.verify(captcha.id, captcha.answer))) {
      throw new ValidationError({
        cryptogramme: 'Le cryptogramme saisi est incorrect ou a expiré : recopiez le nouveau cryptogramme affiché.',
      });
    }
    const base = baseIdentifier(identite.prenom, identite.nom);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.dataSource.transaction((em) => this.insertAccount(em, commune, draft, base));
      } catch (err) {
        if (attempt < 3 && isDuplicate(err, 'uq_account_identifier')) continue; // taken meanwhile: next number
        if (isDuplicate(err, 'uq_account_email')) await this.assertEmailFree(commune, coordonnees.email);
        throw err;
      }
    }
  }

  private async insertAccount(em: EntityManager, commune: Commune, draft: SignupDraft, base: string): Promise<Account> {
    const identite = draft.identite as IdentityValues;
    const coordonnees = draft.coordonnees as ContactValues;
    const securite = draft.securite as SecurityValues;
    const taken = await em
      .getRepository(Account)
      .createQueryBuilder('a')
      .select('a.identifier', 'identifier')
      .where('a.communeId = :communeId AND a.identifier LIKE :prefix', { communeId: commune.id, prefix: `${escapeLike(base)}%` })
      .getRawMany<{ identifier: string }>();
    const createdAt = this.now();
    const account = em.getRepository(Account).create({
      communeId: commune.id,
      identifier: nextFreeIdentifier(base, taken.map((t) => t.identifier)),
      civility: identite.civilite,
      firstName: identite.prenom,
      lastName: identite.nom,
      birthDate: identite.date_naissance,
      email: coordonnees.email,
      phone: coordonnees.telephone,
      addressLine: coordonnees.adresse,
      postalCode: coordonnees.code_postal,
      city: coordonnees.ville,
      communicationChannel: coordonnees.mode_communication,
      passwordHash: securite.passwordHash,
      securityQuestion: securite.question,
      securityAnswerHash: securite.answerHash,
      status: 'pending',
      rejectionReason: null,
      validationDeadline: addBusinessDays(createdAt, 2, commune.holidayZone as HolidayZone),
      createdAt,
    });
    await em.getRepository(Account).insert(account);
    for (const member of draft.foyer) {
      await em.getRepository(HouseholdMember).insert(memberRow(account.id, member));
    }
    await em.getRepository(AccountHistory).insert({
      accountId: account.id, fromStatus: null, toStatus: 'pending', actor: 'resident', reason: null, at: createdAt,
    });
    await this.deps.processes.startAccountValidation({
      accountId: account.id,
      communeSlug: commune.slug,
      deadline: account.validationDeadline.toISOString(),
    });
    return account;
  }

  // ——— login ———

  /** Finds the account by identifier (any case, NFC or NFD) or by email address. */
  async findByLogin(commune: Commune, login: string): Promise<Account | null> {
    const repo = this.deps.dataSource.getRepository(Account);
    const trimmed = login.trim();
    if (trimmed.includes('@')) return repo.findOneBy({ communeId: commune.id, email: trimmed.toLowerCase() });
    return repo.findOneBy({ communeId: commune.id, identifier: normaliseIdentifier(trimmed) });
  }

  async authenticate(commune: Commune, login: string, password: string, ip: string): Promise<Account> {
    const account = await this.findByLogin(commune, login);
    // Keyed by the account when there is one, so identifier and email share one counter.
    const keys = [account ? accountThrottleKey(account) : `${commune.id}:${normaliseLoginKey(login)}`, `ip:${ip}`];
    await this.deps.loginThrottle.assertAllowed(keys, LOGIN_LOCK_MESSAGE);
    const ok = account ? await verifySecret(account.passwordHash, password) : await verifyAgainstDecoy(password);
    if (!account || !ok) {
      await this.deps.loginThrottle.recordFailure(keys, LOGIN_LOCK_MESSAGE);
      throw new UnauthenticatedError('Identifiant ou mot de passe incorrect.');
    }
    await this.deps.loginThrottle.reset(keys[0]);
    return account;
  }

  async getAccount(accountId: number): Promise<Account> {
    const account = await this.deps.dataSource.getRepository(Account).findOneBy({ id: accountId });
    if (!account) throw new UnauthenticatedError('Votre session a expiré : reconnectez-vous.');
    return account;
  }

  // ——— changes, only once the account is validated (FAQ) ———

  assertModifiable(account: Account): void {
    if (account.status === 'pending') {
      throw new AccountLockedError(
        "Votre compte est en attente de validation par les services de la mairie : vous pourrez le modifier une fois qu'il sera validé.",
      );
    }
    if (account.status === 'rejected') {
      throw new AccountLockedError('Votre compte a été refusé par la mairie : il ne peut pas être modifié.');
    }
  }

  async updateContact(account: Account, commune: Commune, input: unknown): Promise<Account> {
    this.assertModifiable(account);
    const value = this.validateContact(input);
    await this.assertEmailFree(commune, value.email, account.id);
    const result = await this.deps.dataSource
      .createQueryBuilder()
      .update(Account)
      .set({
        email: value.email,
        phone: value.telephone,
        addressLine: value.adresse,
        postalCode: value.code_postal,
        city: value.ville,
        communicationChannel: value.mode_communication,
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version AND status = :status', { id: account.id, version: account.version, status: 'validated' })
      .execute();
    if (result.affected !== 1) throw new ConflictError('Votre compte a été modifié entre-temps : rechargez la page et recommencez.');
    return this.getAccount(account.id);
  }

  async changePassword(account: Account, commune: Commune, input: unknown, ip: string): Promise<void> {
    this.assertModifiable(account);
    const value = validate(passwordChangeSchema, input) as {
      mot_de_passe_actuel: string; nouveau_mot_de_passe: string; nouveau_mot_de_passe_confirmation: string;
    };
    await this.verifyCurrentPassword(account, value.mot_de_passe_actuel, ip);
    const errors: FieldErrors = {};
    const verdict = checkPassword(value.nouveau_mot_de_passe, {
      identifier: account.identifier, firstName: account.firstName, lastName: account.lastName, email: account.email,
    });
    if (!verdict.ok) errors.nouveau_mot_de_passe = verdict.message;
    else if (value.nouveau_mot_de_passe === value.mot_de_passe_actuel) {
      errors.nouveau_mot_de_passe = "Le nouveau mot de passe doit être différent de l'actuel.";
    }
    if (value.nouveau_mot_de_passe !== value.nouveau_mot_de_passe_confirmation) {
      errors.nouveau_mot_de_passe_confirmation = 'Les deux mots de passe saisis ne sont pas identiques.';
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const passwordHash = await hashSecret(value.nouveau_mot_de_passe);
    await this.deps.dataSource.transaction(async (em) => {
      await em.getRepository(Account).update({ id: account.id }, { passwordHash, version: () => 'version + 1' });
      // Every session opened with the old password ends; the route gives the caller a new one.
      await deleteResidentSessions(em, account.id);
    });
    await this.deps.processes.startPasswordChangedNotice({ accountId: account.id, communeSlug: commune.slug, changedAt: this.now() });
  }

  async changeSecurityQuestion(account: Account, input: unknown, ip: string): Promise<void> {
    this.assertModifiable(account);
    const value = validate(securityQuestionChangeSchema, input) as { mot_de_passe_actuel: string; question: string; reponse: string };
    await this.verifyCurrentPassword(account, value.mot_de_passe_actuel, ip);
    await this.deps.dataSource.getRepository(Account).update(
      { id: account.id },
      {
        securityQuestion: value.question,
        securityAnswerHash: await hashSecret(normaliseAnswer(value.reponse)),
        version: () => 'version + 1',
      },
    );
  }

  /** The current password guards sensitive changes; failures count like failed logins. */
  private async verifyCurrentPassword(account: Account, password: string, ip: string): Promise<void> {
    const keys = [accountThrottleKey(account), `ip:${ip}`];
    await this.deps.loginThrottle.assertAllowed(keys, LOGIN_LOCK_MESSAGE);
    if (!(await verifySecret(account.passwordHash, password))) {
      await this.deps.loginThrottle.recordFailure(keys, LOGIN_LOCK_MESSAGE);
      throw new ValidationError({ mot_de_passe_actuel: 'Le mot de passe actuel est incorrect.' });
    }
  }

  // ——— household members ———

  /** Adults first, then children (FAQ), each group by birth date. */
  async listMembers(accountId: number): Promise<HouseholdMember[]> {
    const members = await this.deps.dataSource
      .getRepository(HouseholdMember)
      .find({ where: { accountId }, order: { birthDate: 'ASC', id: 'ASC' } });
    return [...members.filter((m) => m.kind === 'adulte'), ...members.filter((m) => m.kind === 'enfant')];
  }

  /** A member of this household, or 404: another household's member ids reveal nothing. */
  async getMember(account: Account, memberId: number): Promise<HouseholdMember> {
    const member = Number.isSafeInteger(memberId)
      ? await this.deps.dataSource.getRepository(HouseholdMember).findOneBy({ id: memberId, accountId: account.id })
      : null;
    if (!member) throw new NotFoundError("Ce membre n'existe pas dans votre foyer.");
    return member;
  }

  async addMember(account: Account, input: unknown): Promise<HouseholdMember> {
    this.assertModifiable(account);
    const value = this.validateMember(input);
    const count = await this.deps.dataSource.getRepository(HouseholdMember).countBy({ accountId: account.id });
    if (count >= MAX_MEMBERS) {
      throw new ValidationError({ _: `Un foyer compte au plus ${MAX_MEMBERS} membres en plus du titulaire.` });
    }
    const row = memberRow(account.id, value);
    const { identifiers } = await this.deps.dataSource.getRepository(HouseholdMember).insert(row);
    return this.getMember(account, identifiers[0].id as number);
  }

  async updateMember(account: Account, memberId: number, input: unknown): Promise<HouseholdMember> {
    this.assertModifiable(account);
    const member = await this.getMember(account, memberId);
    const value = this.validateMember(input);
    const { accountId: _a, ...changes } = memberRow(account.id, value);
    await this.deps.dataSource.getRepository(HouseholdMember).update({ id: member.id, accountId: account.id }, changes);
    return this.getMember(account, member.id);
  }

  async removeMember(account: Account, memberId: number): Promise<void> {
    this.assertModifiable(account);
    const member = await this.getMember(account, memberId);
    await this.deps.dataSource.getRepository(HouseholdMember).delete({ id: member.id, accountId: account.id });
  }
}

function memberRow(accountId: number, m: MemberValues) {
  return {
    accountId,
    kind: m.membre_type,
    civility: m.membre_civilite,
    firstName: m.membre_prenom,
    lastName: m.membre_nom,
    birthDate: m.membre_date_naissance,
    relationship: m.membre_lien ? m.membre_lien : null,
  };
}

const accountThrottleKey = (account: Account): string => `account:${account.id}`;

/** The throttle key of a login: same key for «Amélie.Lire» in NFC or NFD, or the email in any case. */
export function normaliseLoginKey(login: string): string {
  return login.includes('@') ? login.trim().toLowerCase() : normaliseIdentifier(login);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function isDuplicate(err: unknown, index: string): boolean {
  return err instanceof QueryFailedError && /ER_DUP_ENTRY|Duplicate entry/.test(err.message) && err.message.includes(index);
}
