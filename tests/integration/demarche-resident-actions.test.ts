// What a resident does on their request's page once the mairie asks for something, over HTTP against
// MariaDB, the Temporal dev server and a real SMTP receiver: the missing document uploaded (→ «Complet»
// by itself, mail), an answer to a request for information (→ back to «En cours»), each in the history.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Account, DemarcheRequest, HouseholdMember, RequestDocument, RequestHistory } from '../../db/entities';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { DemarcheService } from '../../api/services/demarches.service';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { residentClient, signUp, visibleText, waitUntil } from '../support/journeys';

const MAIL_WAIT_MS = 20_000;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let h: Harness;
let resident: WebClient;
let eva: Account;
let child: HouseholdMember;
let school: DemarcheDefinition;
const dir = mkdtempSync(path.join(tmpdir(), 'resident-actions-'));

beforeAll(async () => {
  h = await startHarness('demarche_resident_actions', { DOCUMENTS_DIR: dir });
  const kid = {
    membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Rose', membre_nom: 'Dossier',
    membre_date_naissance: '2019-09-12', membre_lien: 'Fille',
  };
  const email = 'eva.dossier@example.fr';
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Éva', nom: 'Dossier', email }, [kid])).status).toBe(303);
  eva = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  child = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: eva.id, firstName: 'Rose' });
  school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  resident = await residentClient(h.baseUrl, eva.identifier);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An inscription scolaire for Rose, every required document to be posted: it stays «En cours». */
async function submitSchool(): Promise<DemarcheRequest> {
  const request = await h.portal.services.demarches.submit(h.communes.beaucouze, eva, {
    definition: school,
    answers: { niveau: 'CP', restauration_scolaire: 'non' },
    memberId: child.id,
    documents: school.documents.filter((d) => d.required).map((d) => ({ key: d.key, mode: 'paper' as const })),
    submissionKey: DemarcheService.newSubmissionKey(),
  });
  await h.smtp.waitFor((m) => m.to.includes(eva.email) && m.subject.includes(request.number), MAIL_WAIT_MS);
  return request;
}

const reload = (r: DemarcheRequest) => h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: r.id });
const events = async (r: DemarcheRequest) =>
  (await h.dataSource.getRepository(RequestHistory).find({ where: { requestId: r.id }, order: { at: 'ASC', id: 'ASC' } }))
    .map((row) => ({ event: row.event, toStatus: row.toStatus, reason: row.reason }));
const mailTo = (number: string, label: string) =>
  h.smtp.waitFor((m) => m.to.includes(eva.email) && m.subject.includes(number) && m.subject.includes(label), MAIL_WAIT_MS);

test('asked for a document, the resident uploads it from the request page: «Complet» by itself (mail)', async () => {
  const request = await submitSchool();
  const agent = h.agents.beaucouze;
  const commune = h.communes.beaucouze;
  // Two of the three posted documents reach the mairie; the agent asks for the third one online.
  for (const documentKey of ['justificatif-domicile', 'carnet-vaccination']) {
    await h.portal.services.requests.act(commune, agent, request.number, { action: 'recevoir_piece_papier', documentKey });
  }
  expect((await reload(request)).status).toBe('en_cours');
  const message = 'Merci de joindre le livret de famille en ligne, pages des parents et de Rose.';
  await h.portal.services.requests.act(commune, agent, request.number, { action: 'demander_pieces', message });
  expect((await reload(request)).status).toBe('en_attente_de_pieces');
  const asked = await mailTo(request.number, 'En attente de pièces');
  expect(asked.text).toContain(message);

  const page = await resident.get(`/demandes/${request.number}`);
  expect(page.status).toBe(200);
  expect(visibleText(page.text)).toContain('Envoyer des pièces');
  expect(page.text).toContain('name="fichier_livret-famille"');
  expect(page.text).not.toContain('name="fichier_justificatif-domicile"'); // already received

  const sent = await resident.postMultipart(`/demandes/${request.number}/pieces`, {}, [
    { field: 'fichier_livret-famille', name: 'livret.pdf', content: PDF, type: 'application/pdf' },
  ]);
  expect(sent.status).toBe(303);
  expect(sent.location).toBe(`/demandes/${request.number}`);

  await waitUntil('«Complet»', async () => (await reload(request)).status === 'complet');
  const complete = await mailTo(request.number, 'Complet');
  expect(complete.text).toContain('est complet');
  const stored = await h.dataSource.getRepository(RequestDocument)
    .findOneByOrFail({ requestId: request.id, documentKey: 'livret-famille', mode: 'upload' });
  expect(stored).toMatchObject({ state: 'received', fileName: 'livret.pdf', receivedBy: 'resident', sizeBytes: PDF.length });
  expect(readdirSync(path.dirname(path.join(dir, stored.storagePath as string)))).toContain(path.basename(stored.storagePath as string));

  const history = await events(request);
  expect(history.map((e) => e.event)).toEqual(expect.arrayContaining(
    ['recevoir_piece_papier', 'demander_pieces', 'fournir_pieces', 'completer']));
  expect(history.find((e) => e.event === 'demander_pieces')).toMatchObject({ toStatus: 'en_attente_de_pieces', reason: message });
  expect(history.at(-1)).toMatchObject({ event: 'completer', toStatus: 'complet' });

  const after = visibleText((await resident.get(`/demandes/${request.number}`)).text);
  expect(after).toContain('Reçue en ligne : livret.pdf');
  expect(after).toContain('Pièces fournies par le demandeur');
  expect(after).not.toContain('Envoyer des pièces');
});

test('asked for information, the resident answers from the request page: back to «En cours»', async () => {
  const request = await submitSchool();
  const question = "Votre enfant est-il déjà scolarisé dans une autre commune ? Précisez l'école.";
  await h.portal.services.requests.act(h.communes.beaucouze, h.agents.beaucouze, request.number,
    { action: 'demander_pieces', message: question });
  expect((await reload(request)).status).toBe('en_attente_de_pieces');
  await mailTo(request.number, 'En attente de pièces');

  const page = await resident.get(`/demandes/${request.number}`);
  expect(visibleText(page.text)).toContain('Répondre à la mairie');
  // An empty answer is refused beside the field, nothing written.
  const before = (await events(request)).length;
  const empty = await resident.post(`/demandes/${request.number}/repondre`, { message: '  ' });
  expect(empty.status).toBe(422);
  expect(visibleText(empty.text)).toContain('Votre réponse est obligatoire.');
  expect((await events(request)).length).toBe(before);
  expect((await reload(request)).status).toBe('en_attente_de_pieces');

  const answer = "Rose est en grande section à l'école Jules Ferry d'Angers jusqu'en juillet.";
  const r = await resident.post(`/demandes/${request.number}/repondre`, { message: answer });
  expect(r.status).toBe(303);
  expect(r.location).toBe(`/demandes/${request.number}`);
  expect((await reload(request)).status).toBe('en_cours');

  const history = await events(request);
  expect(history.slice(-2)).toEqual([
    { event: 'demander_pieces', toStatus: 'en_attente_de_pieces', reason: question },
    { event: 'repondre', toStatus: 'en_cours', reason: answer },
  ]);
  const after = visibleText((await resident.get(`/demandes/${request.number}`)).text);
  expect(after).toContain('Votre réponse a été transmise à la mairie.');
  expect(after).toContain('Réponse du demandeur');
  expect(after).toContain(answer);
  expect(after).not.toContain('Répondre à la mairie');
});
