// The four workflows of the portal, each brought to the middle of its life through the portal
// (forms, back office, sandbox card page), then moved on and finished, and what the suite expects
// of each at the end: its final status and the outbox keys of every mail it must have sent, once.
import { Account, CivilStatusRequest, DemarcheRequest, Invoice, Payment, Regie } from '../../../db/entities';
import type { DemarcheDefinition } from '../../../domain/catalogue';
import { DemarcheService } from '../../../api/services/demarches.service';
import { messageIdFor } from '../../../notify/mailer';
import { accountValidationWorkflowId } from '../../../workflows/account-validation';
import { civilStatusWorkflowId } from '../../../workflows/civil-status';
import { demarcheWorkflowId } from '../../../workflows/demarche';
import { paymentWorkflowId } from '../../../workflows/payment';
import { WebClient, type Harness } from '../../support/harness';
import { residentClient, signUp, sleep } from '../../support/journeys';

export type WorkflowName = 'account validation' | 'démarche' | 'civil-status request' | 'payment';

export interface InFlight {
  workflow: WorkflowName;
  /** The Temporal workflow that carries it. */
  workflowId: string;
  /** The status the database must show at the end. */
  expected: string;
  /** Outbox key prefix of its mails (`account:12:`), and the mails it must have sent, once each. */
  keyPrefix: string;
  mails: Array<{ label: string; key: RegExp }>;
  /** The action that moves it on: an agent's decision, the payer's card. */
  advance(): Promise<void>;
  /** What is left to do after the fault (the démarche's validation); nothing for the others. */
  finish(): Promise<void>;
  /** Its status in the database now. */
  found(): Promise<string>;
  /** Other rules of its end (the payment: one payment, invoices paid once). */
  problems(): Promise<string[]>;
}

const BEAUCOUZE = 'beaucouze';
const MAIL_WAIT_MS = 60_000;
const SUCCESS_CARD = '4970 1000 0000 0000';

/** Waits for the mails of these outbox keys, as the SMTP receiver got them. */
export async function receivedMails(h: Harness, keys: string[]): Promise<void> {
  const ids = keys.map((key) => messageIdFor(key, h.config.mail.from));
  await Promise.all(ids.map((id) => h.smtp.waitFor((m) => m.messageId === id, MAIL_WAIT_MS)));
}

/**
 * An agent's form in the back office. A part of the portal may have just come back (the database):
 * a 5xx is tried again, and then a 409 means that the first try did go through.
 */
export async function agentAct(agent: WebClient, path: string, fields: Record<string, string> = {}): Promise<void> {
  let failedBefore = false;
  for (let attempt = 1; ; attempt++) {
    const r = await agent.post(path, fields).catch((err: unknown) => ({ status: 599, text: String(err), location: null }));
    if (r.status === 303 || (failedBefore && r.status === 409)) return;
    if (r.status < 500 || attempt === 15) throw new Error(`${path} : ${r.status}\n${r.text.slice(0, 500)}`);
    failedBefore = true;
    await sleep(1_000);
  }
}

/** A household signed up on the portal, awaiting the mairie's validation; its sign-up mails received. */
async function signedUp(h: Harness, email: string, nom: string): Promise<Account> {
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Faustine', nom, email })).status).toBe(303);
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  await receivedMails(h, [`account:${account.id}:identifier`, `account:${account.id}:new-for-agents`]);
  return account;
}

/** Account validation: signed up, awaiting the agent; advanced by the agent's «Valider». */
export async function accountAwaitingValidation(h: Harness, agent: WebClient, tag: string): Promise<InFlight & { account: Account }> {
  const account = await signedUp(h, `compte.${tag}@example.fr`, `Compte${tag.replace(/\W/g, '')}`);
  const prefix = `account:${account.id}:`;
  return {
    account,
    workflow: 'account validation',
    workflowId: accountValidationWorkflowId(BEAUCOUZE, account.id),
    expected: 'validated',
    keyPrefix: prefix,
    mails: [
      { label: 'identifier', key: /:identifier$/ },
      { label: 'new account, to agents', key: /:new-for-agents$/ },
      { label: 'decision', key: /:decision$/ },
    ],
    advance: () => agentAct(agent, `/agent/comptes/${account.id}/valider`),
    finish: async () => undefined,
    found: async () => (await h.dataSource.getRepository(Account).findOneByOrFail({ id: account.id })).status,
    problems: async () => [],
  };
}

/**
 * Démarche: a school registration submitted with its documents to come by post; advanced by the
 * agent recording them (the request becomes «Complet»), finished by the agent's «Valider».
 */
export async function demarcheAwaitingDocuments(h: Harness, agent: WebClient, account: Account): Promise<InFlight> {
  const school = h.catalogue.find(BEAUCOUZE, 'inscription-scolaire') as DemarcheDefinition;
  const required = school.documents.filter((d) => d.required);
  const request = await h.portal.services.demarches.submit(h.communes.beaucouze, account, {
    definition: school,
    answers: { niveau: 'CP' },
    memberId: null,
    documents: required.map((d) => ({ key: d.key, mode: 'paper' as const })),
    submissionKey: DemarcheService.newSubmissionKey(),
  });
  const prefix = `demarche:${request.id}:`;
  await receivedMails(h, [`${prefix}receipt`, `${prefix}new-for-agents`]);
  const page = `/agent/demandes/${request.number}`;
  return {
    workflow: 'démarche',
    workflowId: demarcheWorkflowId(BEAUCOUZE, request.number),
    expected: 'valide',
    keyPrefix: prefix,
    mails: [
      { label: 'receipt', key: /:receipt$/ },
      { label: 'new request, to agents', key: /:new-for-agents$/ },
      { label: '«Complet»', key: /:event:\d+:completer$/ },
      { label: '«Validé»', key: /:event:\d+:valider$/ },
    ],
    async advance() {
      for (const doc of required) await agentAct(agent, `${page}/piece-recue`, { piece: doc.key });
    },
    finish: () => agentAct(agent, `${page}/valider`),
    found: async () => (await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: request.id })).status,
    problems: async () => [],
  };
}

/** A birth certificate asked anonymously through the form, received; advanced by the agent's «Délivrer». */
export async function civilStatusReceived(h: Harness, agent: WebClient, tag: string): Promise<InFlight> {
  const web = new WebClient(h.baseUrl);
  // Every request of the suite comes from 127.0.0.1: its counter starts again at zero.
  await h.dataSource.query('DELETE FROM rate_limit');
  const form = await web.get('/actes/naissance');
  const submissionKey = /name="submission_key" value="([^"]+)"/.exec(form.text)?.[1] as string;
  const captchaId = /name="captcha_id" value="([^"]+)"/.exec(form.text)?.[1] as string;
  const captcha = await fetch(`${h.baseUrl}/captcha/${captchaId}.svg`);
  const sent = await web.post('/actes/naissance', {
    type_copie: 'extrait_avec_filiation', nombre_exemplaires: '1', nom: 'Panne', prenoms: 'Léa', date_evenement: '1990-03-03',
    parent1_nom: 'Panne', parent1_prenoms: 'Claire', parent2_nom: '', parent2_prenoms: '', lien: 'ascendant',
    demandeur_nom: 'Panne', demandeur_prenom: 'Claire', email: `acte.${tag}@example.fr`, telephone: '',
    adresse: '3 rue de la Mairie', complement: '', code_postal: '49070', ville: 'Beaucouzé', pays: 'France',
    submission_key: submissionKey, captcha_id: captchaId, cryptogramme: captcha.headers.get('x-captcha-test-answer') as string,
    action: 'envoyer',
  });
  expect(sent.status).toBe(303);
  const done = await web.get('/actes/demande-envoyee');
  const number = /<strong>([A-Z]{3}-\d{4}-\d{6})<\/strong>/.exec(done.text)?.[1] as string;
  const request = await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ number });
  const prefix = `acte:${request.id}:`;
  await receivedMails(h, [`${prefix}receipt`, `${prefix}new-for-agents`]);
  return {
    workflow: 'civil-status request',
    workflowId: civilStatusWorkflowId(BEAUCOUZE, number),
    expected: 'envoyee',
    keyPrefix: prefix,
    mails: [
      { label: 'receipt', key: /:receipt$/ },
      { label: 'new request, to agents', key: /:new-for-agents$/ },
      { label: 'decision', key: /:decision$/ },
    ],
    advance: () => agentAct(agent, `/agent/actes/${number}/delivrer`),
    finish: async () => undefined,
    found: async () => (await h.dataSource.getRepository(CivilStatusRequest).findOneByOrFail({ id: request.id })).status,
    problems: async () => [],
  };
}

/**
 * A payment of two invoices, created at the sandbox provider, the payer on its card page; advanced
 * by the payer's success card (the sandbox then calls the portal back, as PayFiP does).
 */
export async function paymentAtProvider(h: Harness, tag: string): Promise<InFlight> {
  const email = `paiement.${tag}@example.fr`;
  const signed = await signedUp(h, email, `Payeur${tag.replace(/\W/g, '')}`);
  // The mairie validated the household (invoices are shown only then): its own workflow is not watched here.
  await h.dataSource.getRepository(Account).update({ id: signed.id }, { status: 'validated' });
  const ville = await h.dataSource.getRepository(Regie).findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ville' });
  const invoices = h.dataSource.getRepository(Invoice);
  const numbers = [`F-${tag}-1`, `F-${tag}-2`];
  for (const [i, number] of numbers.entries()) {
    await invoices.insert(invoices.create({
      communeId: signed.communeId, regieId: ville.id, accountId: signed.id, number, service: 'Restauration scolaire',
      periodLabel: 'Novembre 2026', issuedOn: '2026-11-02', dueOn: '2026-12-15', amountCents: 2_000 + i * 150,
      status: 'a_payer', paymentId: null, paidAt: null, importedAt: new Date(),
    }));
  }
  const payer = await residentClient(h.baseUrl, signed.identifier);
  await payer.get('/comptes');
  for (const invoice of await invoices.findBy({ accountId: signed.id })) {
    expect((await payer.post('/panier/ajouter', { facture: String(invoice.id) })).status).toBe(303);
  }
  await payer.get('/panier');
  const pay = await payer.post('/panier/payer', {});
  expect(pay.status).toBe(303);
  const cardPage = new URL(pay.location as string).pathname;
  expect(cardPage).toMatch(/^\/sandbox\/paiement\//);
  await payer.get(cardPage);
  const payment = await h.dataSource.getRepository(Payment).findOneByOrFail({ accountId: signed.id });
  return {
    workflow: 'payment',
    workflowId: paymentWorkflowId(BEAUCOUZE, payment.reference),
    expected: 'payee',
    keyPrefix: `paiement:${payment.id}:`,
    mails: [{ label: 'receipt', key: /:recu$/ }],
    async advance() {
      const paid = await payer.post(cardPage, { numero_carte: SUCCESS_CARD, action: 'payer' });
      expect(paid.status).toBe(303);
    },
    finish: async () => undefined,
    found: async () => (await h.dataSource.getRepository(Payment).findOneByOrFail({ id: payment.id })).status,
    async problems() {
      const problems: string[] = [];
      const payments = await h.dataSource.getRepository(Payment).findBy({ accountId: signed.id });
      if (payments.length !== 1) problems.push(`${payments.length} payments recorded`);
      for (const invoice of await invoices.findBy({ accountId: signed.id })) {
        if (invoice.status !== 'payee' || invoice.paymentId !== payment.id || !invoice.paidAt) {
          problems.push(`invoice ${invoice.number}: ${invoice.status}, payment ${invoice.paymentId}`);
        }
      }
      return problems;
    },
  };
}
