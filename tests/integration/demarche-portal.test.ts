// The resident's side of a démarche over the portal's forms: an account not yet validated submits
// an inscription scolaire for its child, one document uploaded and the others to be posted; the
// receipt mail, one request for a double submission, «Accueil» and «Demandes», another
// household's 404, and the resident's own actions on the request's page.
import { Account, DemarcheDraft, DemarcheRequest, RequestDocument } from '../../db/entities';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { residentClient, signUp, visibleText } from '../support/journeys';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const BASE = '/services/inscription-scolaire';
const CHILD = { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé', membre_nom: 'Portail', membre_date_naissance: '2019-05-02', membre_lien: 'Fille' };

let h: Harness;
let web: WebClient;
let account: Account;

beforeAll(async () => {
  h = await startHarness('demarche_portal');
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Inès', nom: 'Portail', email: 'ines.portail@example.fr' }, [CHILD])).status).toBe(303);
  account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'ines.portail@example.fr' });
  expect(account.status).toBe('pending');
  web = await residentClient(h.baseUrl, account.identifier);
});
afterAll(async () => {
  await h?.close();
});

test('an account not yet validated submits an inscription scolaire for its child; one request for two clicks', async () => {
  const services = await web.get('/services');
  expect(services.status).toBe(200);
  const servicesText = visibleText(services.text);
  for (const words of ['Enfance et scolarité', 'Inscription scolaire', 'Délai de traitement', 'Livret de famille', 'Services Demandes Mes comptes Compte']) {
    expect(servicesText).toContain(words);
  }

  const start = await web.get(BASE);
  expect(start).toMatchObject({ status: 303, location: `${BASE}/etape/scolarite` });
  const step1 = await web.get(`${BASE}/etape/scolarite`);
  expect(visibleText(step1.text)).toContain('Zoé Portail (enfant)');
  expect(step1.text).toMatch(/<aside[^>]*>[\s\S]*Aide/);

  // Server-side validation, in French, nothing saved.
  let r = await web.post(`${BASE}/etape/scolarite`, { rentree: 'en-cours-d-annee', niveau: 'x' });
  expect(r.status).toBe(422);
  const errors = visibleText(r.text);
  expect(errors).toContain("Choisissez l'enfant concerné par la démarche.");
  expect(errors).toMatch(/Le champ « [^»]+ » est obligatoire\./);
  expect(errors).toContain('ne fait pas partie des choix proposés');

  const child = /<option value="(\d+)">Zoé Portail/.exec(step1.text)?.[1] as string;
  r = await web.post(`${BASE}/etape/scolarite`, { membre: child, rentree: 'septembre', niveau: 'cp' });
  expect(r).toMatchObject({ status: 303, location: `${BASE}/etape/ecole` });
  // The draft keeps the answers: the resident may come back later from «Services».
  const draft = await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: account.id });
  expect(draft).toMatchObject({ memberId: Number(child), answers: { rentree: 'septembre', niveau: 'cp' } });
  expect(visibleText((await web.get('/services')).text)).toContain('Reprendre ma demande');
  expect((await web.get(`${BASE}/etape/scolarite`)).text).toMatch(/<option value="cp" selected>/);

  r = await web.post(`${BASE}/etape/ecole`, { ecole_souhaitee: 'secteur' });
  expect(r.location).toBe(`${BASE}/etape/complements`);
  r = await web.post(`${BASE}/etape/complements`, { restauration_scolaire: 'oui' });
  expect(r.location).toBe(`${BASE}/pieces`);
  await web.get(`${BASE}/pieces`);
  r = await web.postMultipart(
    `${BASE}/pieces`,
    { 'mode_justificatif-domicile': 'upload', 'mode_livret-famille': 'paper', 'mode_carnet-vaccination': 'paper', 'mode_jugement-residence': 'none' },
    [{ field: 'fichier_justificatif-domicile', name: 'facture.pdf', content: PDF, type: 'application/pdf' }],
  );
  expect(r).toMatchObject({ status: 303, location: `${BASE}/recapitulatif` });

  const summary = await web.get(`${BASE}/recapitulatif`);
  const summaryText = visibleText(summary.text);
  expect(summaryText).toContain('Personne concernée Zoé Portail');
  expect(summaryText).toContain('Fichier joint : facture.pdf');
  expect(summaryText).toContain('Envoyée par courrier à la mairie');
  const key = /name="cle" value="([^"]+)"/.exec(summary.text)?.[1] as string;
  expect(key).toBe(draft.submissionKey);

  // Double click: two POSTs at once, then a replay after the draft is gone.
  const [a, b] = await Promise.all([web.post(`${BASE}/envoyer`, { cle: key }), web.post(`${BASE}/envoyer`, { cle: key })]);
  expect(a.status).toBe(303);
  expect(b.location).toBe(a.location);
  const replay = await web.post(`${BASE}/envoyer`, { cle: key });
  expect(replay.location).toBe(a.location);
  const requests = await h.dataSource.getRepository(DemarcheRequest).findBy({ accountId: account.id });
  expect(requests).toHaveLength(1);
  const [request] = requests;
  expect(request).toMatchObject({ memberId: Number(child), answers: { rentree: 'septembre', niveau: 'cp', ecole_souhaitee: 'secteur', restauration_scolaire: 'oui' } });
  expect(a.location).toBe(`/demandes/${request.number}/confirmation`);
  expect(await h.dataSource.getRepository(DemarcheDraft).countBy({ accountId: account.id })).toBe(0);
  const docs = await h.dataSource.getRepository(RequestDocument).find({ where: { requestId: request.id }, order: { documentKey: 'ASC' } });
  expect(docs.map((d) => [d.documentKey, d.mode, d.state])).toEqual([
    ['carnet-vaccination', 'paper', 'expected'],
    ['justificatif-domicile', 'upload', 'received'],
    ['livret-famille', 'paper', 'expected'],
  ]);

  const confirmation = visibleText((await web.get(a.location as string)).text);
  expect(confirmation).toContain(request.number);
  expect(confirmation).toContain('Place Jacques Prévert');
  expect(confirmation).toContain('« Inscription scolaire »');
  expect(confirmation).toContain('Portail Inès');

  const receipt = await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(request.number), 20_000);
  expect(receipt.text).toContain(request.number);
  expect(receipt.text).toContain('Place Jacques Prévert');
  expect(receipt.text).toContain('Livret de famille');

  const home = visibleText((await web.get('/accueil')).text);
  expect(home).toMatch(new RegExp(`Inscription scolaire ${request.number} (En cours|Complet)`));
  const list = visibleText((await web.get('/demandes')).text);
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(request.submittedAt);
  expect(list).toContain(`${request.number} Inscription scolaire ${day} Zoé Portail`);

  const detail = visibleText((await web.get(`/demandes/${request.number}`)).text);
  expect(detail).toContain('Attendue par courrier');
  expect(detail).toContain('Reçue en ligne : facture.pdf');
  expect(detail).toContain('Annuler ma demande');

  // Another household reads nothing of it.
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Omar', nom: 'Voisin', email: 'omar.voisin@example.fr' })).status).toBe(303);
  const other = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'omar.voisin@example.fr' });
  const neighbour = await residentClient(h.baseUrl, other.identifier);
  for (const path of [`/demandes/${request.number}`, `/demandes/${request.number}/confirmation`]) {
    const res = await neighbour.get(path);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('Zoé');
  }
  expect((await neighbour.post(`/demandes/${request.number}/annuler`, {})).status).toBe(404);
  expect(visibleText((await neighbour.get('/demandes')).text)).toContain("Vous n'avez encore soumis aucune demande.");

  // The resident cancels before any decision; a second cancellation is refused with the table's message.
  r = await web.post(`/demandes/${request.number}/annuler`, {});
  expect(r).toMatchObject({ status: 303, location: `/demandes/${request.number}` });
  const cancelled = visibleText((await web.get(`/demandes/${request.number}`)).text);
  expect(cancelled).toContain('Annulée');
  expect(cancelled).toContain('Annuler la demande');
  expect(cancelled).not.toContain('Annuler ma demande');
  r = await web.post(`/demandes/${request.number}/annuler`, {});
  expect(r.status).toBe(409);
  expect(visibleText(r.text)).toMatch(/déjà close|plus possible/);
});

test('a démarche answering to nobody in particular, and an upload-only document refused on paper', async () => {
  const base = '/services/reservation-salle';
  expect((await web.get(base)).location).toBe(`${base}/etape/salle`);
  const page = await web.get(`${base}/etape/salle`);
  expect(page.text).not.toContain('name="membre"');
  const r = await web.postMultipart(`${base}/pieces`, { 'mode_attestation-responsabilite-civile': 'paper' }, []);
  expect(r.status).toBe(422);
  expect(visibleText(r.text)).toContain("l'envoi par courrier n'est pas possible");
});
