// The back office's «Demandes» over HTTP, against MariaDB, the Temporal dev server and a real SMTP
// receiver: the queue and its filters, a request in full with its documents, the agent recording
// each paper document (→ «Complet» by itself) and validating; refusals (no motif, validation too
// early) changing nothing; another commune's agent and another household seeing nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Account, DemarcheRequest, HouseholdMember, RequestHistory } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { DemarcheService } from '../../api/services/demarches.service';
import { OTHER_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, agentLogin, HttpWebClient, residentClient, signUp, visibleText, waitUntil } from '../support/journeys';

const MAIL_WAIT_MS = 20_000;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let h: Harness;
let agent: WebClient;
/** The same agent over node:http, whose answers carry their headers (the download's). */
let agentHttp: HttpWebClient;
let nora: Account;
let child: HouseholdMember;
let other: Account;
let school: DemarcheDefinition;
let uploadDir: string;

beforeAll(async () => {
  h = await startHarness('demarche_office');
  mkdirSync(h.config.documents.dir, { recursive: true });
  uploadDir = mkdtempSync(path.join(h.config.documents.dir, 'back-office-'));
  const kid = {
    membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Guichet',
    membre_date_naissance: '2019-05-02', membre_lien: 'Fils',
  };
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Nora', nom: 'Guichet', email: 'nora.guichet@example.fr' }, [kid])).status).toBe(303);
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Paul', nom: 'Voisin', email: 'paul.voisin@example.fr' })).status).toBe(303);
  nora = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'nora.guichet@example.fr' });
  other = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'paul.voisin@example.fr' });
  child = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: nora.id, firstName: 'Léo' });
  school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  agent = await agentClient(h.baseUrl);
  agentHttp = await agentLogin(new HttpWebClient(h.baseUrl));
});
afterAll(async () => {
  await h?.close();
  if (uploadDir) rmSync(uploadDir, { recursive: true, force: true });
});

const PAPER = ['livret-famille', 'carnet-vaccination'];

/** An inscription scolaire for Léo: the proof of address uploaded, the two others to be posted. */
async function submitSchool(): Promise<DemarcheRequest> {
  const file = path.join(uploadDir, `${DemarcheService.newSubmissionKey()}.pdf`);
  writeFileSync(file, PDF);
  const request = await h.portal.services.demarches.submit(h.communes.beaucouze, nora, {
    definition: school,
    answers: { niveau: 'CP', restauration_scolaire: true },
    memberId: child.id,
    documents: [
      {
        key: 'justificatif-domicile', mode: 'upload', fileName: 'Facture été.pdf', mimeType: 'application/pdf',
        sizeBytes: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'),
        storagePath: path.relative(h.config.documents.dir, file), // relative, as the documents service stores it
      },
      ...PAPER.map((key) => ({ key, mode: 'paper' as const })),
    ],
    submissionKey: DemarcheService.newSubmissionKey(),
  });
  // The receipt mail says the workflow has started and read the documents already there.
  await h.smtp.waitFor((m) => m.to.includes(nora.email) && m.subject.includes(request.number), MAIL_WAIT_MS);
  return request;
}

const historyCount = (r: DemarcheRequest) => h.dataSource.getRepository(RequestHistory).countBy({ requestId: r.id });
const reload = (r: DemarcheRequest) => h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: r.id });

test('the agent records each paper document: «Complet» by itself (mail), then validates (mail)', async () => {
  const request = await submitSchool();
  const url = `/agent/demandes/${request.number}`;

  const queue = await agent.get('/agent/demandes');
  expect(queue.status).toBe(200);
  expect(visibleText(queue.text)).toContain(request.number);
  expect(visibleText(queue.text)).toContain('Léo Guichet');
  expect(queue.text).toContain('aria-current="page">Demandes');
  const filtered = await agent.get('/agent/demandes?demarche=reservation-salle');
  expect(filtered.text).not.toContain(request.number);

  let page = await agent.get(url);
  expect(page.status).toBe(200);
  const text = visibleText(page.text);
  expect(text).toContain('Inscription');
  expect(text).toContain('Léo Guichet');
  expect(text).toContain('Nora');
  expect(text).toMatch(/Niveau[^A-Z]*CP/);
  expect(text).toContain('Attendue');
  expect(page.text.match(/Pièce papier reçue/g)).toHaveLength(PAPER.length);
  // Every form carries the session's CSRF token, those inside the documents' table included.
  const tokens = [...page.text.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
  expect(tokens.length).toBeGreaterThan(PAPER.length);
  expect(new Set(tokens)).toEqual(new Set([agent.csrf]));

  // The uploaded document streams with its stored type, as an attachment.
  const docId = /href="(\/agent\/demandes\/[^"]+\/documents\/\d+)"/.exec(page.text)?.[1] as string;
  expect(docId).toBeDefined();
  const res = await agentHttp.get(docId);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="Facture ete\.pdf"; filename\*=UTF-8''Facture%20%C3%A9t%C3%A9\.pdf$/);
  expect(res.text).toBe(PDF.toString('utf8'));

  for (const piece of PAPER) {
    const r = await agent.post(`${url}/piece-recue`, { piece });
    expect(r.status).toBe(303);
    expect(r.location).toBe(url);
  }
  const complete = await h.smtp.waitFor(
    (m) => m.to.includes(nora.email) && /Complet/.test(m.subject) && m.subject.includes(request.number),
    MAIL_WAIT_MS,
  );
  expect(complete.text).toContain(request.number);
  page = await agent.get(url);
  expect(visibleText(page.text)).toContain('La pièce reçue par courrier est enregistrée.'); // the flash
  expect(page.text).not.toContain('Pièce papier reçue<');
  expect(page.text).toContain('>Valider</button>');

  const validated = await agent.post(`${url}/valider`, {});
  expect(validated.status).toBe(303);
  await h.smtp.waitFor((m) => m.to.includes(nora.email) && /Validé/.test(m.subject) && m.subject.includes(request.number), MAIL_WAIT_MS);
  expect((await reload(request)).status).toBe('valide');
  page = await agent.get(url);
  const history = visibleText(page.text);
  expect(history).toContain('Enregistrer une pièce reçue par courrier');
  expect(history).not.toContain('carnet-vaccination'); // the history shows the document's label, not its key
  expect(history).toContain('Dossier complet');
  expect(history).toContain('Valider la demande');
  expect(history).toContain(`Agent n° ${h.agents.beaucouze.id}`);
  expect(page.text).not.toContain('>Valider</button>'); // closed: no action left

  // Once decided, nothing is possible: 409 with the table's message.
  const again = await agent.post(`${url}/refuser`, { motif: 'Trop tard' });
  expect(again.status).toBe(409);
  expect(visibleText(again.text)).toContain('déjà close');
});

test('refusal without a motif → 422 beside the field; validation before «Complet» → 409; nothing changed', async () => {
  const request = await submitSchool();
  const url = `/agent/demandes/${request.number}`;
  const before = await historyCount(request);

  for (const motif of ['', '   ']) {
    const r = await agent.post(`${url}/refuser`, { motif });
    expect(r.status).toBe(422);
    expect(r.text).toContain('id="motif-error"');
    expect(visibleText(r.text)).toContain('Le motif du refus est obligatoire.');
  }
  const early = await agent.post(`${url}/valider`, {});
  expect(early.status).toBe(409);
  expect(visibleText(early.text)).toContain("Cette demande ne peut pas être validée tant qu'elle n'est pas complète.");
  const noMessage = await agent.post(`${url}/demander-pieces`, { message: '' });
  expect(noMessage.status).toBe(422);

  expect(await historyCount(request)).toBe(before);
  expect((await reload(request)).status).toBe('en_cours');

  // With a motif, the refusal goes through and the resident is told why.
  const refused = await agent.post(`${url}/refuser`, { motif: 'Secteur scolaire hors commune.' });
  expect(refused.status).toBe(303);
  const mail = await h.smtp.waitFor((m) => m.to.includes(nora.email) && /Refusé/i.test(m.subject) && m.subject.includes(request.number), MAIL_WAIT_MS);
  expect(mail.text).toContain('Secteur scolaire hors commune.');
  await waitUntil('statut refusé', async () => (await reload(request)).status === 'refuse');
});

test('the queue filters by status and overdue; the JSON queue says the same', async () => {
  const request = await submitSchool();
  const open = await agent.get('/agent/demandes?statut=en_cours');
  expect(open.text).toContain(request.number);
  const done = await agent.get('/agent/demandes?statut=valide');
  expect(done.text).not.toContain(request.number);
  // Submitted now, 10 business days to go: not overdue yet.
  expect((await agent.get('/agent/demandes?retard=oui')).text).not.toContain(request.number);
  // Submitted 30 days ago: well past 10 business days.
  await h.dataSource.getRepository(DemarcheRequest).update({ id: request.id }, { submittedAt: new Date(Date.now() - 30 * 86_400_000) });
  const late = await agent.get('/agent/demandes?retard=oui');
  expect(late.text).toContain(request.number);
  expect(visibleText(late.text)).toContain('En retard');

  const api = await agent.api<{ total: number; demandes: Array<{ numero: string; enRetard: boolean }> }>(
    'GET', '/api/v1/agent/requests?overdue=true&demarche=inscription-scolaire',
  );
  expect(api.status).toBe(200);
  expect(api.body.demandes.map((d) => d.numero)).toContain(request.number);
  expect(api.body.demandes.every((d) => d.enRetard)).toBe(true);

  // The same actions through the JSON API.
  const early = await agent.api<{ error: { code: string; message: string } }>('POST', `/api/v1/agent/requests/${request.number}/validate`);
  expect(early.status).toBe(409);
  expect(early.body.error.message).toMatch(/pas être validée/);
  const noMotif = await agent.api<{ error: { fields: Record<string, string> } }>('POST', `/api/v1/agent/requests/${request.number}/refuse`, { motif: ' ' });
  expect(noMotif.status).toBe(422);
  expect(noMotif.body.error.fields.motif).toBe('Le motif du refus est obligatoire.');
  const asked = await agent.api<{ statut: string }>('POST', `/api/v1/agent/requests/${request.number}/request-documents`, {
    message: 'Merci de joindre le carnet de vaccination à jour.',
  });
  expect(asked.status).toBe(200);
  expect(asked.body.statut).toBe('en_attente_de_pieces');
});

test("another commune's agent: 404 on the page, the action and the download; nothing changed", async () => {
  const request = await submitSchool();
  const page = await agent.get(`/agent/demandes/${request.number}`);
  const download = /href="(\/agent\/demandes\/[^"]+\/documents\/\d+)"/.exec(page.text)?.[1] as string;
  const before = await historyCount(request);

  const stranger = await agentLogin(
    new HttpWebClient(h.baseUrl, 'demarches-saint-clair.localhost'), OTHER_AGENT.login, OTHER_AGENT.password,
  );
  const queue = await stranger.get('/agent/demandes');
  expect(queue.status).toBe(200);
  expect(queue.text).not.toContain(request.number);
  expect((await stranger.get(`/agent/demandes/${request.number}`)).status).toBe(404);
  expect((await stranger.get(download)).status).toBe(404);
  for (const [action, fields] of [['piece-recue', { piece: 'livret-famille' }], ['refuser', { motif: 'Non' }], ['valider', {}]] as const) {
    const r = await stranger.post(`/agent/demandes/${request.number}/${action}`, fields);
    expect(r.status).toBe(404);
  }
  expect(await historyCount(request)).toBe(before);
  expect((await reload(request)).status).toBe('en_cours');
});

test("a resident reading another household's request through the API → 404; their own → 200", async () => {
  const request = await submitSchool();
  const owner = await residentClient(h.baseUrl, nora.identifier);
  const mine = await owner.api<{ numero: string; membre: { prenom: string }; pieces: unknown[]; actionsPossibles: string[] }>(
    'GET', `/api/v1/requests/${request.number}`,
  );
  expect(mine.status).toBe(200);
  expect(mine.body).toMatchObject({ numero: request.number, membre: { prenom: 'Léo' } });
  expect(mine.body.pieces).toHaveLength(3);
  expect(mine.body.actionsPossibles).toContain('annuler');
  const list = await owner.api<Array<{ numero: string }>>('GET', '/api/v1/requests');
  expect(list.body.map((r) => r.numero)).toContain(request.number);

  const neighbour = await residentClient(h.baseUrl, other.identifier);
  const read = await neighbour.api<{ error: { code: string } }>('GET', `/api/v1/requests/${request.number}`);
  expect(read.status).toBe(404);
  expect(read.body.error.code).toBe('not_found');
  await neighbour.get('/accueil');
  const cancel = await neighbour.api('POST', `/api/v1/requests/${request.number}/cancel`);
  expect(cancel.status).toBe(404);
  expect((await neighbour.api<unknown[]>('GET', '/api/v1/requests')).body).toEqual([]);
  expect((await reload(request)).status).toBe('en_cours');

  const services = await neighbour.api<Array<{ code: string }>>('GET', '/api/v1/services');
  expect(services.body.map((s) => s.code)).toContain('inscription-scolaire');
  expect((await neighbour.api('GET', '/api/v1/services/inscription-scolaire')).status).toBe(200);
  expect((await neighbour.api('GET', '/api/v1/services/inconnue')).status).toBe(404);
});
