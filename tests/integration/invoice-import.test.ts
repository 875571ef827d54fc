// The billing software's invoices arriving, against MariaDB: the back office's CSV upload with
// bad lines (acceptance 3: the good lines land, each bad one is reported, a second import changes
// nothing), a number sent again with another content, the machine API by régie key (JSON and CSV,
// 401 and 403), and another commune's agent and keys seeing and reaching nothing of Beaucouzé's.
import http from 'node:http';
import { Account, Regie } from '../../db/entities';
import { DEMO_REGIES } from '../../db/seed';
import { hashApiKey } from '../../api/services/invoice-import.service';
import { OTHER_AGENT, startHarness, WebClient, type Harness } from '../support/harness';
import { agentClient, agentLogin, HttpWebClient, signUp, visibleText } from '../support/journeys';

const SAINT_CLAIR_HOST = 'demarches-saint-clair.localhost';
const VILLE_KEY = DEMO_REGIES.find((r) => r.code === 'ville')?.apiKey as string;
const CCAS_KEY = DEMO_REGIES.find((r) => r.code === 'ccas')?.apiKey as string;
const SAINT_CLAIR_KEY = 'saint-clair-regie-ville-cle-de-test';
const HEADER = 'numero;regie;compte;service;periode;date_emission;echeance;montant';

let h: Harness;
let agent: WebClient;
let amelie: Account;
let paul: Account;
let regies: { ville: Regie; ccas: Regie; saintClair: Regie };

beforeAll(async () => {
  h = await startHarness('invoice_import');
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Amélie', nom: 'Lire', email: 'amelie.lire@example.fr' })).status).toBe(303);
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Paul', nom: 'Voisin', email: 'paul.voisin@example.fr' })).status).toBe(303);
  amelie = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'amelie.lire@example.fr' });
  paul = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'paul.voisin@example.fr' });
  expect(amelie.identifier).toBe('amélie.lire');
  const repo = h.dataSource.getRepository(Regie);
  await repo.insert({
    communeId: h.communes.saintClair.id, code: 'ville', name: 'Ville de Saint-Clair', services: ['Scolaire'], provider: 'sandbox',
    payfipNumcli: null, payfipMode: null, apiKeyHash: hashApiKey(SAINT_CLAIR_KEY),
  });
  regies = {
    ville: await repo.findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ville' }),
    ccas: await repo.findOneByOrFail({ communeId: h.communes.beaucouze.id, code: 'ccas' }),
    saintClair: await repo.findOneByOrFail({ communeId: h.communes.saintClair.id, code: 'ville' }),
  };
  agent = await agentClient(h.baseUrl);
});
afterAll(async () => {
  await h?.close();
});

interface StoredInvoice {
  id: number;
  number: string;
  regie_id: number;
  account_id: number;
  commune_id: number;
  service: string;
  period_label: string;
  issued_on: string;
  due_on: string | null;
  amount_cents: number;
  status: string;
  imported_at: Date;
}

async function invoices(where = '1 = 1', params: unknown[] = []): Promise<StoredInvoice[]> {
  return (await h.dataSource.query(
    `SELECT id, number, regie_id, account_id, commune_id, service, period_label, DATE_FORMAT(issued_on, '%Y-%m-%d') AS issued_on,
            DATE_FORMAT(due_on, '%Y-%m-%d') AS due_on, amount_cents, status, imported_at
       FROM invoice WHERE ${where} ORDER BY number`,
    params,
  )) as StoredInvoice[];
}

/** The report page's refused lines: [line, number, message] as a reader sees them. */
function reportRows(html: string): string[][] {
  const table = /<table class="table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr>\s*<th scope="row">([\s\S]*?)<\/th>\s*<td>([\s\S]*?)<\/td>\s*<td>([\s\S]*?)<\/td>/g)].map((m) =>
    m.slice(1, 4).map((cell) => visibleText(cell).trim()),
  );
}

const upload = (client: WebClient, content: string | Buffer, name = 'factures.csv') =>
  client.postMultipart('/agent/factures/import', {}, [{ field: 'fichier', name, content, type: 'text/csv' }]);

/** A machine call over node:http, so that the Host header (the commune) can be chosen; no cookie. */
function machinePost(
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; host?: string },
): Promise<{ status: number; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.host) headers.host = options.host;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, h.baseUrl), { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (invoicesList: unknown[]) => JSON.stringify({ invoices: invoicesList });

describe('the back office’s CSV import (acceptance 3)', () => {
  // «Amélie.Lire» in NFD: the identifier is found in any case and either Unicode form.
  const amelieNfd = 'Ame\u0301lie.Lire';
  const file = [
    HEADER,
    'BEA-F-0001;ville;amélie.lire;Restauration scolaire;Octobre 2026;03/11/2026;30/11/2026;42,50',
    'BEA-F-0002;CCAS;PAUL.VOISIN@example.fr;Aide aux vacances;Été 2026;2026-09-01;;120',
    'BEA-F-0003;ville;amélie.lire;Accueil périscolaire;Octobre 2026;03/11/2026;;-12,50',
    'BEA-F-0004;piscine;amélie.lire;Natation;Octobre 2026;03/11/2026;;30,00',
    'BEA-F-0005;ville;jean.inconnu;Crèche;Octobre 2026;03/11/2026;;80,00',
    'BEA-F-0001;ville;amélie.lire;Restauration scolaire;Octobre 2026;03/11/2026;30/11/2026;42,50',
    `BEA-F-0006;ville;${amelieNfd};Crèche;Octobre 2026;03/11/2026;;310,75`,
  ].join('\r\n');

  const expectedRejections = [
    ['4', 'BEA-F-0003', 'Montant négatif ou nul : -12,50 (un avoir ne se paie pas en ligne)'],
    ['5', 'BEA-F-0004', 'Régie inconnue : piscine'],
    ['6', 'BEA-F-0005', 'Compte inconnu : jean.inconnu'],
    ['7', 'BEA-F-0001', 'Numéro en double dans le fichier : BEA-F-0001 (déjà à la ligne 2)'],
  ];

  test('the good lines land in integer cents, each bad one is reported, a second import changes nothing', async () => {
    const page = await agent.get('/agent/factures');
    expect(page.status).toBe(200);
    expect(page.text).toContain('enctype="multipart/form-data"');
    expect(page.text).toMatch(/<a class="tabs__link" href="\/agent\/factures" aria-current="page">Factures<\/a>/);

    const first = await upload(agent, file, 'factures-octobre.csv');
    expect(first.status).toBe(200);
    const text = visibleText(first.text);
    expect(text).toContain('Fichier : factures-octobre.csv — 7 lignes de factures lues.');
    expect(text).toContain('3 factures importées');
    expect(text).toContain('0 facture déjà importée, inchangée');
    expect(text).toContain('4 lignes refusées');
    expect(reportRows(first.text)).toEqual(expectedRejections);

    const stored = await invoices();
    expect(stored.map((i) => [i.number, i.regie_id, i.account_id, i.commune_id, i.amount_cents, i.status])).toEqual([
      ['BEA-F-0001', regies.ville.id, amelie.id, h.communes.beaucouze.id, 4250, 'a_payer'],
      ['BEA-F-0002', regies.ccas.id, paul.id, h.communes.beaucouze.id, 12000, 'a_payer'],
      ['BEA-F-0006', regies.ville.id, amelie.id, h.communes.beaucouze.id, 31075, 'a_payer'],
    ]);
    for (const i of stored) expect(Number.isInteger(i.amount_cents)).toBe(true);
    expect(stored[0]).toMatchObject({ service: 'Restauration scolaire', period_label: 'Octobre 2026', issued_on: '2026-11-03', due_on: '2026-11-30' });
    expect(stored[1]).toMatchObject({ period_label: 'Été 2026', issued_on: '2026-09-01', due_on: null });

    const second = await upload(agent, file, 'factures-octobre.csv');
    expect(second.status).toBe(200);
    const again = visibleText(second.text);
    expect(again).toContain('0 facture importée');
    expect(again).toContain('3 factures déjà importées, inchangées');
    expect(again).toContain('4 lignes refusées');
    expect(reportRows(second.text)).toEqual(expectedRejections);
    expect(await invoices()).toEqual(stored);

    // The régies' table counts what landed, per régie.
    const list = visibleText((await agent.get('/agent/factures')).text);
    expect(list).toMatch(/Ville ville Scolaire, Périscolaire, Petite enfance 2 \(353,25 €\) 0 \(0,00 €\) Clé d'API active/);
    expect(list).toMatch(/CCAS ccas Action sociale 1 \(120,00 €\) 0 \(0,00 €\)/);
  });

  test('a number already imported with another content is reported, and the invoice stays as it was', async () => {
    const before = await invoices('number = ?', ['BEA-F-0001']);
    const r = await upload(agent, [
      HEADER,
      'bea-f-0001;ville;amélie.lire;Restauration scolaire;Octobre 2026;03/11/2026;15/12/2026;45,00',
      'BEA-F-0007;ville;paul.voisin;Crèche;Novembre 2026;01/12/2026;;55',
    ].join('\n'));
    expect(r.status).toBe(200);
    expect(visibleText(r.text)).toContain('1 facture importée');
    expect(reportRows(r.text)).toEqual([
      ['2', 'bea-f-0001', 'Facture déjà importée avec un autre contenu (échéance, montant) : la facture existante n’est pas modifiée'],
    ]);
    expect(await invoices('number = ?', ['BEA-F-0001'])).toEqual(before);
    expect((await invoices('number = ?', ['BEA-F-0007']))[0]).toMatchObject({ account_id: paul.id, amount_cents: 5500 });
  });

  test('a file refused as a whole shows the form again with the reason; nothing is imported', async () => {
    const count = (await invoices()).length;
    let r = await agent.postMultipart('/agent/factures/import', {}, []);
    expect(r.status).toBe(422);
    expect(visibleText(r.text)).toContain('Choisissez le fichier CSV à importer.');
    expect(r.text).toContain('<a href="#fichier">');

    r = await upload(agent, 'numero;compte;montant\nX-1;amélie.lire;10\n');
    expect(r.status).toBe(422);
    expect(visibleText(r.text)).toContain('Colonnes manquantes dans l’en-tête (première ligne) : « regie », « service », « periode », « date_emission »');

    r = await upload(agent, Buffer.from(`${HEADER}\nX-2;ville;amélie.lire;Crèche;Été;01/07/2026;;10\n`, 'latin1'));
    expect(r.status).toBe(422);
    expect(visibleText(r.text)).toContain('Le fichier n’est pas encodé en UTF-8');

    r = await upload(agent, `${HEADER}\n${'x'.repeat(2 * 1024 * 1024)}`);
    expect(r.status).toBe(413);
    expect(visibleText(r.text)).toContain('Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers.');
    expect(await invoices()).toHaveLength(count);
  });

  test('the upload checks its CSRF token and its agent', async () => {
    const count = (await invoices()).length;
    const forged = new WebClient(h.baseUrl);
    await agentLogin(forged);
    forged.csrf = 'faux-jeton';
    let r = await upload(forged, `${HEADER}\nX-3;ville;amélie.lire;Crèche;Été;01/07/2026;;10\n`);
    expect(r.status).toBe(403);

    const anonymous = new WebClient(h.baseUrl);
    await anonymous.get('/');
    r = await upload(anonymous, `${HEADER}\nX-4;ville;amélie.lire;Crèche;Été;01/07/2026;;10\n`);
    expect(r.status).toBe(401);
    expect((await anonymous.get('/agent/factures')).location).toBe('/agent/connexion');
    expect(await invoices()).toHaveLength(count);
  });
});

describe('the machine API, by régie key', () => {
  const invoice = {
    number: 'CCAS-2026-001', account: 'paul.voisin@example.fr', service: 'Aide aux vacances', periodLabel: 'Automne 2026',
    issuedOn: '2026-11-05', dueOn: '2026-12-05', amountCents: 9900,
  };

  test('JSON with X-Api-Key: a report line by line, then nothing changes the second time', async () => {
    const body = json([
      invoice,
      { ...invoice, number: 'CCAS-2026-002', amountCents: -500 },
      { ...invoice, number: 'CCAS-2026-003', account: 'jean.inconnu' },
      { ...invoice, number: 'CCAS-2026-004', account: 'Amélie.Lire', amountCents: 2500, dueOn: null },
    ]);
    const headers = { 'content-type': 'application/json', 'x-api-key': CCAS_KEY };
    const first = await machinePost('/api/v1/regies/ccas/factures', { headers, body });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      imported: 2,
      unchanged: 0,
      rejected: [
        { line: 2, number: 'CCAS-2026-002', message: 'Montant négatif ou nul : -500 centimes (un avoir ne se paie pas en ligne)' },
        { line: 3, number: 'CCAS-2026-003', message: 'Compte inconnu : jean.inconnu' },
      ],
    });
    const stored = await invoices('regie_id = ? AND number LIKE ?', [regies.ccas.id, 'CCAS-2026-%']);
    expect(stored.map((i) => [i.number, i.account_id, i.amount_cents, i.due_on])).toEqual([
      ['CCAS-2026-001', paul.id, 9900, '2026-12-05'],
      ['CCAS-2026-004', amelie.id, 2500, null],
    ]);

    const second = await machinePost('/api/v1/regies/ccas/factures', { headers, body });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ imported: 0, unchanged: 2 });
    expect(await invoices('regie_id = ? AND number LIKE ?', [regies.ccas.id, 'CCAS-2026-%'])).toEqual(stored);
  });

  test('CSV with a Bearer key: the régie is the route’s, a line for another régie is refused', async () => {
    const body = [
      HEADER,
      'VIL-2026-100;ville;paul.voisin;Restauration scolaire;Novembre 2026;01/12/2026;;18,40',
      'VIL-2026-101;ccas;paul.voisin;Aide;Novembre 2026;01/12/2026;;10',
    ].join('\n');
    const r = await machinePost('/api/v1/regies/ville/factures', {
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${VILLE_KEY}` },
      body,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      imported: 1,
      unchanged: 0,
      rejected: [{ line: 3, number: 'VIL-2026-101', message: 'Régie « ccas » : cette clé d’API n’importe que les factures de la régie « ville »' }],
    });
    // Without the «regie» column, every line is the route's régie.
    const noColumn = await machinePost('/api/v1/regies/ville/factures', {
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${VILLE_KEY}` },
      body: 'numero;compte;service;periode;date_emission;montant\nVIL-2026-102;amélie.lire;Crèche;Novembre 2026;01/12/2026;7,05\n',
    });
    expect(noColumn.body).toEqual({ imported: 1, unchanged: 0, rejected: [] });
    expect((await invoices('number = ?', ['VIL-2026-102']))[0]).toMatchObject({ regie_id: regies.ville.id, amount_cents: 705 });
  });

  test('a batch larger than the app’s 64 kB JSON limit goes through (up to 5,000 invoices)', async () => {
    const batch = Array.from({ length: 1500 }, (_, i) => ({ ...invoice, number: `GROS-${String(i).padStart(5, '0')}`, amountCents: 100 + i }));
    const body = json(batch);
    expect(body.length).toBeGreaterThan(64 * 1024);
    const r = await machinePost('/api/v1/regies/ccas/factures', { headers: { 'content-type': 'application/json', 'x-api-key': CCAS_KEY }, body });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ imported: 1500, unchanged: 0, rejected: [] });
    const [row] = (await h.dataSource.query("SELECT COUNT(*) AS n, SUM(amount_cents) AS total FROM invoice WHERE number LIKE 'GROS-%'")) as Array<{ n: string; total: string }>;
    expect(Number(row.n)).toBe(1500);
    expect(Number(row.total)).toBe(1500 * 100 + (1499 * 1500) / 2);
  });

  test('an account the mairie rejected gets no invoice', async () => {
    expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Rémi', nom: 'Refus', email: 'remi.refus@example.fr' })).status).toBe(303);
    await h.dataSource.query("UPDATE account SET status = 'rejected', rejection_reason = 'Justificatif illisible' WHERE email = 'remi.refus@example.fr'");
    const r = await machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': CCAS_KEY },
      body: json([{ ...invoice, number: 'REFUS-1', account: 'rémi.refus' }]),
    });
    expect(r.body).toEqual({
      imported: 0,
      unchanged: 0,
      rejected: [{ line: 1, number: 'REFUS-1', message: 'Compte refusé par la mairie : rémi.refus (la facture ne serait jamais visible)' }],
    });
  });

  test('the same batch sent twice at once is imported once', async () => {
    const batch = Array.from({ length: 300 }, (_, i) => ({ ...invoice, number: `DOUBLE-${i}`, amountCents: 1000 + i }));
    const send = () => machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': CCAS_KEY }, body: json(batch),
    });
    const answers = await Promise.all([send(), send()]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.rejected).toEqual([]);
      expect(Number(a.body.imported) + Number(a.body.unchanged)).toBe(300);
    }
    expect(answers.reduce((sum, a) => sum + Number(a.body.imported), 0)).toBe(300);
    expect(await invoices("number LIKE 'DOUBLE-%'")).toHaveLength(300);
  });

  test('401 without a known key, 403 with the key of another régie; nothing is written', async () => {
    const count = (await invoices()).length;
    const body = json([{ ...invoice, number: 'INTRUS-1' }]);
    const noKey = await machinePost('/api/v1/regies/ccas/factures', { headers: { 'content-type': 'application/json' }, body });
    expect(noKey.status).toBe(401);
    expect(noKey.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(noKey.body).toMatchObject({ error: { code: 'unauthenticated' } });
    const wrongKey = await machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/json', authorization: 'Bearer pas-la-bonne-cle' }, body,
    });
    expect(wrongKey.status).toBe(401);
    const otherRegie = await machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': VILLE_KEY }, body,
    });
    expect(otherRegie.status).toBe(403);
    expect(otherRegie.body).toMatchObject({
      error: { code: 'forbidden', message: 'Cette clé d’API n’est pas celle de la régie « ccas » de cette commune.' },
    });
    const unknownRegie = await machinePost('/api/v1/regies/piscine/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': VILLE_KEY }, body,
    });
    expect(unknownRegie.status).toBe(403);
    expect(await invoices()).toHaveLength(count);
  });

  test('415 for another body type, 422 for a body that is not a list of invoices', async () => {
    const wrongType = await machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/xml', 'x-api-key': CCAS_KEY }, body: '<factures/>',
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const notAList = await machinePost('/api/v1/regies/ccas/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': CCAS_KEY }, body: JSON.stringify({ factures: [] }),
    });
    expect(notAList.status).toBe(422);
    expect(notAList.body).toMatchObject({ error: { code: 'validation', fields: { invoices: expect.stringContaining('{ "invoices": [...] }') } } });
  });
});

describe('another commune', () => {
  test('Saint-Clair’s agent sees only Saint-Clair’s régies, Beaucouzé’s agent only Beaucouzé’s', async () => {
    const stranger = await agentLogin(new HttpWebClient(h.baseUrl, SAINT_CLAIR_HOST), OTHER_AGENT.login, OTHER_AGENT.password);
    const theirs = await stranger.get('/agent/factures');
    expect(theirs.status).toBe(200);
    const text = visibleText(theirs.text);
    expect(text).toContain('Ville de Saint-Clair');
    expect(text).toMatch(/Ville de Saint-Clair ville Scolaire 0 \(0,00 €\) 0 \(0,00 €\)/);
    expect(text).not.toContain('CCAS');
    expect(text).not.toContain('353,25');

    const ours = visibleText((await agent.get('/agent/factures')).text);
    expect(ours).not.toContain('Saint-Clair');
  });

  test('keys work on their own commune only; a Saint-Clair import cannot reach a Beaucouzé account', async () => {
    const invoice = { number: 'SC-1', account: 'amélie.lire', service: 'Cantine', periodLabel: 'Mai 2026', issuedOn: '2026-06-01', amountCents: 1000 };
    const body = json([invoice]);
    const beaucouzeKeyThere = await machinePost('/api/v1/regies/ville/factures', {
      host: SAINT_CLAIR_HOST, headers: { 'content-type': 'application/json', 'x-api-key': VILLE_KEY }, body,
    });
    expect(beaucouzeKeyThere.status).toBe(403);
    const theirKeyHere = await machinePost('/api/v1/regies/ville/factures', {
      headers: { 'content-type': 'application/json', 'x-api-key': SAINT_CLAIR_KEY }, body,
    });
    expect(theirKeyHere.status).toBe(403);
    const theirs = await machinePost('/api/v1/regies/ville/factures', {
      host: SAINT_CLAIR_HOST, headers: { 'content-type': 'application/json', 'x-api-key': SAINT_CLAIR_KEY }, body,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ imported: 0, unchanged: 0, rejected: [{ line: 1, number: 'SC-1', message: 'Compte inconnu : amélie.lire' }] });
    expect(await invoices('regie_id = ?', [regies.saintClair.id])).toEqual([]);
  });
});
