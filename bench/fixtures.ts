// The benchmark's data: validated residents created straight in the database, the answers of the
// démarche submitted («Occupation du domaine public»: no household member, one document sent by
// post), and the baseline submission: the same validation and rows as DemarcheService.submit,
// without Temporal.
import { randomUUID } from 'node:crypto';
import { Account, DemarcheRequest, RequestDocument } from '../db/entities';
import { validateAnswers, type DemarcheDefinition, type StepValidation } from '../domain/catalogue';
import { allocateRequestNumber } from '../api/services/request-numbers';
import { hashSecret } from '../api/services/secrets';
import type { BenchPortal } from './setup';

export const OCCUPATION = 'occupation-domaine-public';
const PASSWORD = 'Banc-D-Essai-Portail-2026!';

export interface BenchResident {
  account: Account;
  identifier: string;
  password: string;
  /** The newest request inserted by {@link insertRequests}. */
  lastRequestNumber?: string;
}

const day = (offsetDays: number): string => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** The two steps as the JSON API's saveDraft takes them. */
export function occupationSteps(): Array<{ etape: string; reponses: Record<string, string> }> {
  return [
    {
      etape: 'occupation',
      reponses: { type_occupation: 'terrasse', adresse_occupation: '12 rue du Banc d’essai', emplacement: 'trottoir', entreprise: 'Café du Bench' },
    },
    { etape: 'periode', reponses: { date_debut: day(20), date_fin: day(40), surface_m2: '12' } },
  ];
}

export function occupationDefinition(portal: BenchPortal): DemarcheDefinition {
  const def = portal.catalogue.find(portal.commune.slug, OCCUPATION);
  if (!def) throw new Error(`Démarche ${OCCUPATION} absente du catalogue de ${portal.commune.slug}`);
  return def;
}

export function occupationAnswers(def: DemarcheDefinition): StepValidation {
  return validateAnswers(def, Object.assign({}, ...occupationSteps().map((s) => s.reponses)) as Record<string, unknown>);
}

export async function createResidents(portal: BenchPortal, count: number): Promise<BenchResident[]> {
  const passwordHash = await hashSecret(PASSWORD);
  const answerHash = await hashSecret('banc');
  const now = new Date();
  const repo = portal.dataSource.getRepository(Account);
  const residents: BenchResident[] = [];
  for (let i = 1; i <= count; i++) {
    const identifier = `banc.essai${i}`;
    const row = repo.create({
      communeId: portal.commune.id,
      identifier,
      civility: 'M.',
      firstName: 'Banc',
      lastName: `Essai${i}`,
      birthDate: '1980-01-01',
      email: `banc.essai${i}@bench.localhost`,
      phone: null,
      addressLine: '1 place de la Mairie',
      postalCode: '49070',
      city: 'Beaucouzé',
      communicationChannel: 'email',
      passwordHash,
      securityQuestion: 'Nom de votre banc ?',
      securityAnswerHash: answerHash,
      status: 'validated',
      rejectionReason: null,
      validationDeadline: now,
      createdAt: now,
    });
    await repo.insert(row);
    residents.push({ account: row, identifier, password: PASSWORD });
  }
  return residents;
}

/**
 * The baseline of benchmark 1: validate the answers in full, then in one transaction allocate the
 * number and insert the request and its document row — DemarcheService.submit without the workflow.
 */
export async function baselineSubmit(portal: BenchPortal, resident: BenchResident): Promise<DemarcheRequest> {
  const def = occupationDefinition(portal);
  const { values, errors } = occupationAnswers(def);
  if (Object.keys(errors).length) throw new Error(`Réponses invalides : ${JSON.stringify(errors)}`);
  const submittedAt = new Date();
  return portal.dataSource.transaction(async (em) => {
    const number = await allocateRequestNumber(em, portal.commune, submittedAt);
    const row = em.getRepository(DemarcheRequest).create({
      communeId: portal.commune.id,
      accountId: resident.account.id,
      memberId: null,
      demarcheCode: def.code,
      demarcheVersion: def.version,
      number,
      status: 'en_cours',
      answers: values,
      submissionKey: randomUUID(),
      submittedAt,
      decidedAt: null,
      decisionReason: null,
    });
    await em.getRepository(DemarcheRequest).insert(row);
    await em.getRepository(RequestDocument).insert({ requestId: row.id, documentKey: 'plan-situation', mode: 'paper', state: 'expected' });
    return row;
  });
}

/** `count` requests for the «Accueil» benchmark, inserted as the baseline does (no workflows). */
export async function insertRequests(portal: BenchPortal, resident: BenchResident, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const row = await baselineSubmit(portal, resident);
    resident.lastRequestNumber = row.number;
  }
}
