// Civil-status certificate requests: the anonymous submission (captcha, throttles, number,
// tracking link, workflow start, all or nothing), the tracking page's read by secret token, the
// resident's list, and the agents' queue and decisions. Every agent read goes through the
// commune; a token opens its own request and nothing else.
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type DataSource, type FindOptionsWhere } from 'typeorm';
import { CivilStatusHistory, CivilStatusRequest, type Account, type Agent, type Commune } from '../../db/entities';
import { addBusinessDays, isHolidayZone } from '../../domain/business-days';
import { checkCivilStatusRequest, type ActKind } from '../../domain/civil-status';
import {
  CivilStatusRefused,
  REFUSAL_MAX_LENGTH,
  REFUSAL_REASONS,
  checkDecision,
  type CivilStatusStatus,
  type RefusalReasonCode,
} from '../../domain/civil-status-status';
import { TRACKING_TOKEN, newTrackingSalt, trackingToken, trackingTokenHash } from '../../notify/tracking-link';
import { issueCertificateUpdate, refuseCivilStatusUpdate } from '../../workflows/civil-status';
import type { CaptchaService } from '../captcha';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Processes } from './processes';
import { allocateRequestNumber } from './request-numbers';
import { retryLater, type Throttle } from './throttle';

export const CIVIL_STATUS_PAGE_SIZE = 50;
/** The form's one-time token (a UUID in the pages; API clients choose theirs). */
export const SUBMISSION_KEY = /^[A-Za-z0-9-]{8,64}$/;
const THROTTLED = retryLater('Trop de demandes d’actes envoyées depuis votre connexion ou pour cette adresse électronique');
export const CAPTCHA_WRONG = 'Le cryptogramme saisi est incorrect ou a expiré : recopiez le nouveau cryptogramme affiché.';

export interface CivilStatusSubmission {
  act: ActKind;
  answers: Record<string, unknown>;
  captcha: { id: string; answer: string };
  /** The form's one-time token: the same token twice gives the same request. */
  submissionKey: string;
  ip: string;
  /** The logged-in resident, whose «Demandes» will show the request. */
  account: Account | null;
}

export interface CivilStatusQueueFilters {
  act?: ActKind;
  status?: CivilStatusStatus;
  overdue?: boolean;
  page?: number;
}

export interface CivilStatusInFull {
  request: CivilStatusRequest;
  history: CivilStatusHistory[];
}

export class CivilStatusService {
  constructor(
    private readonly deps: {
      dataSource: DataSource;
      processes: Processes;
      captcha: CaptchaService;
      /** Submissions per address and per requester email (counted whether they succeed or not). */
      throttle: Throttle;
      /** Key of the tracking links (SESSION_SECRET), shared with the worker. */
      linkSecret: string;
      /** Tests shorten the commune's processing delay to this many ms. */
      delayMs?: number;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private get repo() {
    return this.deps.dataSource.getRepository(CivilStatusRequest);
  }

  /** The request's secret tracking token (the same for every mail and page). */
  tokenOf(request: CivilStatusRequest): string {
    return trackingToken(this.deps.linkSecret, request.trackingSalt);
  }

  /**
   * Checks the throttles, the form, then the captcha (one answer per challenge), and creates the
   * request and its workflow together. A replayed submission finds the request it created.
   */
  async submit(commune: Commune, s: CivilStatusSubmission): Promise<CivilStatusRequest> {
    if (!SUBMISSION_KEY.test(s.submissionKey)) {
      throw new ValidationError({}, 'Ce formulaire a expiré : rechargez la page et envoyez-le de nouveau.');
    }
    const existing = await this.repo.findOneBy({ communeId: commune.id, submissionKey: s.submissionKey });
    if (existing) return this.replayOf(existing, s);
    const throttle = this.deps.throttle;
    const address = `ip:${s.ip}`;
    await throttle.assertAllowed([address], THROTTLED);
    await throttle.recordFailure([address], THROTTLED);
    const checked = checkCivilStatusRequest(s.act, s.answers, this.now());
    if (!checked.ok) throw new ValidationError(checked.errors);
    const email = `email:${checked.details.requester.email}`;
    await throttle.assertAllowed([email], THROTTLED);
    await throttle.recordFailure([email], THROTTLED);
    if (!(await this.deps.captcha.verify(s.captcha.id, s.captcha.answer))) {
      throw new ValidationError({ cryptogramme: CAPTCHA_WRONG });
    }
    try {
      return await this.deps.dataSource.transaction(async (em) => {
        const submittedAt = this.now();
        const number = await allocateRequestNumber(em, commune, submittedAt);
        const zone = isHolidayZone(commune.holidayZone) ? commune.holidayZone : 'FR';
        const dueAt = this.deps.delayMs !== undefined
          ? new Date(submittedAt.getTime() + this.deps.delayMs)
          : addBusinessDays(submittedAt, commune.civilStatusProcessingDays, zone);
        const salt = newTrackingSalt();
        const row = em.getRepository(CivilStatusRequest).create({
          communeId: commune.id,
          accountId: s.account?.id ?? null,
          number,
          actKind: s.act,
          copyKind: checked.details.copy,
          copies: checked.details.copies,
          status: 'recue',
          details: checked.details,
          requesterEmail: checked.details.requester.email,
          trackingSalt: salt,
          trackingTokenHash: trackingTokenHash(trackingToken(this.deps.linkSecret, salt)),
          submissionKey: s.submissionKey,
          submittedAt,
          dueAt,
          decidedAt: null,
          decisionReason: null,
        });
        await em.getRepository(CivilStatusRequest).insert(row);
        await em.getRepository(CivilStatusHistory).insert({
          requestId: row.id, eventKey: 'deposer', event: 'deposer', fromStatus: null, toStatus: 'recue',
          actor: s.account ? `resident:${s.account.id}` : 'demandeur', reason: null, at: submittedAt,
        });
        await this.deps.processes.startCivilStatusRequest({
          requestId: row.id, communeSlug: commune.slug, number, actCode: `acte-${s.act}`, deadline: dueAt.toISOString(),
        });
        return row;
      });
    } catch (err) {
      // The same submission raced itself (double click): the first one won.
      if (err instanceof QueryFailedError && err.message.includes('uq_civil_status_submission')) {
        return this.replayOf(await this.repo.findOneByOrFail({ communeId: commune.id, submissionKey: s.submissionKey }), s);
      }
      throw err;
    }
  }

  /**
   * A submission key already used: the same request when the same form comes back (a double
   * click, a replayed POST), never someone else's (the answer carries its tracking link).
   */
  private replayOf(existing: CivilStatusRequest, s: CivilStatusSubmission): CivilStatusRequest {
    const email = typeof s.answers.email === 'string' ? s.answers.email.trim().toLowerCase() : '';
    if (existing.actKind === s.act && existing.requesterEmail === email) return existing;
    throw new ConflictError('Ce formulaire a déjà servi à une autre demande : rechargez la page pour en remplir un nouveau.');
  }

  /** The request this token opens, in this commune, or 404 (a wrong token reveals nothing). */
  async track(commune: Commune, token: string): Promise<CivilStatusInFull> {
    const notFound = new NotFoundError('Ce lien de suivi ne correspond à aucune demande : vérifiez qu’il est complet.');
    if (!TRACKING_TOKEN.test(token)) throw notFound;
    const request = await this.repo.findOneBy({ communeId: commune.id, trackingTokenHash: trackingTokenHash(token) });
    if (!request) throw notFound;
    return { request, history: await this.history(request.id) };
  }

  async listForResident(account: Account): Promise<CivilStatusRequest[]> {
    return this.repo.find({
      where: { accountId: account.id, communeId: account.communeId },
      order: { submittedAt: 'DESC', id: 'DESC' },
      take: 200,
    });
  }

  async queue(commune: Commune, filters: CivilStatusQueueFilters): Promise<{ requests: CivilStatusRequest[]; total: number; page: number; pageCount: number }> {
    const page = Math.max(1, Math.trunc(filters.page ?? 1));
    const qb = this.repo
      .createQueryBuilder('r')
      .where('r.communeId = :communeId', { communeId: commune.id })
      .orderBy('r.submittedAt', 'DESC')
      .addOrderBy('r.id', 'DESC');
    if (filters.act) qb.andWhere('r.actKind = :act', { act: filters.act });
    if (filters.status) qb.andWhere('r.status = :status', { status: filters.status });
    if (filters.overdue) qb.andWhere("r.status = 'recue' AND r.dueAt < :now", { now: this.now() });
    const [requests, total] = await qb.skip((page - 1) * CIVIL_STATUS_PAGE_SIZE).take(CIVIL_STATUS_PAGE_SIZE).getManyAndCount();
    return { requests, total, page, pageCount: Math.max(1, Math.ceil(total / CIVIL_STATUS_PAGE_SIZE)) };
  }

  async getForAgent(communeId: number, number: string): Promise<CivilStatusInFull> {
    const where: FindOptionsWhere<CivilStatusRequest> = { communeId, number: number.trim().toUpperCase() };
    const request = await this.repo.findOneBy(where);
    if (!request) throw new NotFoundError("Cette demande d'acte n'existe pas dans votre commune.");
    return { request, history: await this.history(request.id) };
  }

  isOverdue(request: CivilStatusRequest): boolean {
    return request.status === 'recue' && request.dueAt.getTime() < this.now().getTime();
  }

  async issue(commune: Commune, agent: Agent, number: string): Promise<CivilStatusRequest> {
    const { request } = await this.getForAgent(agent.communeId === commune.id ? commune.id : -1, number);
    this.refuseIfDecided(request, 'delivrer');
    await this.deps.processes.civilStatusUpdate(commune.slug, request.number, issueCertificateUpdate, { agentId: agent.id });
    return this.repo.findOneByOrFail({ id: request.id });
  }

  /** `reasonCode` one of REFUSAL_REASONS, or 'autre' with the agent's own words. */
  async refuse(commune: Commune, agent: Agent, number: string, reasonCode: string, text: string): Promise<CivilStatusRequest> {
    const { request } = await this.getForAgent(agent.communeId === commune.id ? commune.id : -1, number);
    const reason = refusalReason(reasonCode, text);
    this.refuseIfDecided(request, 'refuser', reason);
    await this.deps.processes.civilStatusUpdate(commune.slug, request.number, refuseCivilStatusUpdate, { agentId: agent.id, reason });
    return this.repo.findOneByOrFail({ id: request.id });
  }

  /** The decision rule, checked here too: a decided request's workflow may have ended already. */
  private refuseIfDecided(request: CivilStatusRequest, decision: 'delivrer' | 'refuser', reason?: string): void {
    try {
      checkDecision(request.status as CivilStatusStatus, decision, reason);
    } catch (err) {
      if (err instanceof CivilStatusRefused) throw new ConflictError(err.message);
      throw err;
    }
  }

  private async history(requestId: number): Promise<CivilStatusHistory[]> {
    return this.deps.dataSource.getRepository(CivilStatusHistory).find({ where: { requestId }, order: { at: 'ASC', id: 'ASC' } });
  }

  /** A new challenge for the form (the same «cryptogramme» as at sign-up). */
  async captcha() {
    return this.deps.captcha.create();
  }

  newSubmissionKey(): string {
    return randomUUID();
  }
}

/** The refusal sent to the requester: a listed reason (with the agent's precision, if any) or their own words. */
const TOO_LONG = `Les précisions ne doivent pas dépasser ${REFUSAL_MAX_LENGTH} caractères.`;

export function refusalReason(code: string, text: string): string {
  const own = (text ?? '').trim();
  if (own.length > REFUSAL_MAX_LENGTH) throw new ValidationError({ motif: TOO_LONG });
  if (code === 'autre') {
    if (!own) throw new ValidationError({ motif: 'Indiquez le motif du refus : il est envoyé au demandeur.' });
    return own;
  }
  // Own keys only: «constructor» or «toString» is not a reason.
  const listed = Object.prototype.hasOwnProperty.call(REFUSAL_REASONS, code)
    ? REFUSAL_REASONS[code as Exclude<RefusalReasonCode, 'autre'>]
    : undefined;
  if (!code && own) return own;
  if (!listed) throw new ValidationError({ motif_code: 'Choisissez un motif de refus dans la liste, ou « Autre motif » avec vos précisions.' });
  const reason = own ? `${listed}\n${own}` : listed;
  if (reason.length > REFUSAL_MAX_LENGTH) throw new ValidationError({ motif: TOO_LONG });
  return reason;
}
