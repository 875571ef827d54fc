// Upload abuse beyond tests/integration/documents-upload.test.ts (size, renamed executable, empty
// file, path in the name, too many files, a lying declared type): active content (HTML, SVG with
// script) refused, a PDF–HTML polyglot served so that it cannot run, hostile file names kept safe
// and safe in the download's header, another household's request, no session, malformed multipart
// bodies, and the agents' invoice CSV import. After each refusal: a 4xx with a French message, and
// neither the documents folder nor any table has changed.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Account, DemarcheDraft, DemarcheRequest, HouseholdMember, RequestDocument } from '../../db/entities';
import { DemarcheService } from '../../api/services/demarches.service';
import type { DemarcheDefinition } from '../../domain/catalogue';
import { startHarness, type Harness } from '../support/harness';
import { agentLogin, signUp, STRONG_PASSWORD, visibleText, waitUntil } from '../support/journeys';
import { Browser, databaseAtRest, databaseFingerprint, type Answer } from './web-attacks';

const PDF_MAGIC = '%PDF-1.4\n';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const HTML = '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>';
const SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
const DRAFT_PIECES = '/services/inscription-scolaire/pieces';
const FIELD = 'fichier_livret-famille';

let h: Harness;
let eva: Browser;
let bob: Browser;
let agent: Browser;
let evaAccount: Account;
let request: DemarcheRequest;
const dir = mkdtempSync(path.join(tmpdir(), 'upload-abuse-'));

/** Every file under the documents folder. */
function storedFiles(root = dir): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? storedFiles(path.join(root, e.name)) : [path.join(root, e.name)],
  );
}

async function residentBrowser(email: string): Promise<Browser> {
  const account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  const b = new Browser(h.baseUrl);
  await b.get('/');
  expect((await b.post('/connexion', { identifiant: account.identifier, mot_de_passe: STRONG_PASSWORD })).status).toBe(303);
  await b.get('/accueil');
  return b;
}

/** A multipart form as a browser sends it: the session's token first, then the file. */
function upload(b: Browser, url: string, file: { name: string; content: Buffer | string; type: string; field?: string }): Promise<Answer> {
  const form = new FormData();
  form.append('_csrf', b.csrf);
  const bytes = typeof file.content === 'string' ? Buffer.from(file.content) : file.content;
  form.append(file.field ?? FIELD, new Blob([new Uint8Array(bytes)], { type: file.type }), file.name);
  // The JSON API reads its token from the header only.
  return b.send('POST', url, { body: form, headers: url.startsWith('/api/') ? { 'x-csrf-token': b.csrf } : {} });
}

/** A refusal: a 4xx with a French message, and nothing written, on disk or in any table. */
async function expectRefusedLeavingNothing(what: string, attempt: () => Promise<Answer>, status: number | RegExp, message: string | RegExp): Promise<void> {
  const [files, tables] = [storedFiles(), await databaseFingerprint(h.dataSource)];
  const r = await attempt();
  const json = r.headers.get('content-type')?.includes('json');
  const text = json ? (JSON.parse(r.text) as { error: { message: string } }).error.message : visibleText(r.text);
  const statusOk = typeof status === 'number' ? r.status === status : status.test(String(r.status));
  const messageOk = typeof message === 'string' ? text.includes(message) : message.test(text);
  expect({ what, status: r.status, statusOk, text, messageOk }).toEqual({ what, status: r.status, statusOk: true, text, messageOk: true });
  expect({ what, files: storedFiles() }).toEqual({ what, files });
  expect({ what, tables: await databaseFingerprint(h.dataSource) }).toEqual({ what, tables });
}

beforeAll(async () => {
  h = await startHarness('sec_uploads', { DOCUMENTS_DIR: dir, DOCUMENT_MAX_MB: '10' });
  const kid = { membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Lou', membre_nom: 'Fichier', membre_date_naissance: '2019-04-03', membre_lien: 'Fille' };
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Éva', nom: 'Fichier', email: 'eva.fichier@example.fr' }, [kid])).status).toBe(303);
  expect((await signUp(new Browser(h.baseUrl), { prenom: 'Bob', nom: 'Voisin', email: 'bob.voisin@example.fr' })).status).toBe(303);
  evaAccount = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'eva.fichier@example.fr' });
  eva = await residentBrowser(evaAccount.email);
  bob = await residentBrowser('bob.voisin@example.fr');
  agent = await agentLogin(new Browser(h.baseUrl));
  // Éva's draft is open (a refused upload re-renders it), and her request waits for the livret de famille.
  expect((await eva.get('/services/inscription-scolaire')).status).toBe(303);
  expect((await eva.get(DRAFT_PIECES)).status).toBe(200);
  const school = h.catalogue.find('beaucouze', 'inscription-scolaire') as DemarcheDefinition;
  const child = await h.dataSource.getRepository(HouseholdMember).findOneByOrFail({ accountId: evaAccount.id, firstName: 'Lou' });
  request = await h.portal.services.demarches.submit(h.communes.beaucouze, evaAccount, {
    definition: school,
    answers: { niveau: 'CP', restauration_scolaire: 'non' },
    memberId: child.id,
    documents: school.documents.filter((d) => d.required).map((d) => ({ key: d.key, mode: 'paper' as const })),
    submissionKey: DemarcheService.newSubmissionKey(),
  });
  await h.portal.services.requests.act(h.communes.beaucouze, h.agents.beaucouze, request.number, { action: 'demander_pieces', message: 'Le livret de famille, en ligne.' });
  await waitUntil('en attente de pièces', async () => (await h.dataSource.getRepository(DemarcheRequest).findOneByOrFail({ id: request.id })).status === 'en_attente_de_pieces');
  await eva.get(`/demandes/${request.number}`);
  await databaseAtRest(h.dataSource);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ONLY_DOCUMENTS = 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.';

/** Active content a browser would run if the portal served it as it came: [what, name, declared type, bytes]. */
const ACTIVE: Array<[string, string, string, string]> = [
  ['an HTML page', 'livret.html', 'text/html', HTML],
  ['an HTML page named .pdf', 'livret.pdf', 'application/pdf', HTML],
  ['an SVG image with a script', 'livret.svg', 'image/svg+xml', SVG],
  ['an SVG with a script named .png', 'livret.png', 'image/png', SVG],
  ['a UTF-8 BOM then HTML, named .jpg', 'livret.jpg', 'image/jpeg', `\ufeff${HTML}`],
];

describe.each([
  ['the draft’s documents step', () => DRAFT_PIECES],
  ['the request waiting for documents', () => `/demandes/${request.number}/pieces`],
  ['the draft through the JSON API', () => '/api/v1/services/inscription-scolaire/draft/documents'],
])('active content uploaded to %s is refused', (_where, url) => {
  test.each(ACTIVE)('%s', async (what, name, type, content) => {
    await expectRefusedLeavingNothing(what, () => upload(eva, url(), { name, type, content }), 422, ONLY_DOCUMENTS);
  });
});

test('another household’s request: 404, nothing stored; an upload only ever reaches one’s own draft', async () => {
  await expectRefusedLeavingNothing('Bob → request of Éva', () => upload(bob, `/demandes/${request.number}/pieces`, { name: 'livret.png', type: 'image/png', content: PNG }), 404, /existe pas|introuvable/i);
  // The draft is the caller's by construction (no id in the URL): Bob's upload lands in Bob's own draft.
  expect((await bob.get('/services/inscription-scolaire')).status).toBe(303);
  const before = await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: evaAccount.id });
  expect((await upload(bob, DRAFT_PIECES, { name: 'livret.png', type: 'image/png', content: PNG })).status).toBeLessThan(500);
  expect(await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: evaAccount.id })).toEqual(before);
  const bobs = await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: Number((await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'bob.voisin@example.fr' })).id) });
  expect(bobs.documents).toEqual([expect.objectContaining({ key: 'livret-famille', fileName: 'livret.png' })]);
});

test('no session: the upload routes refuse before storing anything', async () => {
  for (const url of [DRAFT_PIECES, `/demandes/${request.number}/pieces`, '/agent/factures/import']) {
    const stranger = new Browser(h.baseUrl);
    await stranger.get('/');
    // The pages send an anonymous visitor to the login (303), the back office answers 401.
    await expectRefusedLeavingNothing(`anonymous → ${url}`, () => upload(stranger, url, { name: 'livret.png', type: 'image/png', content: PNG, field: url.startsWith('/agent') ? 'fichier' : FIELD }), /^(303|401)$/, /connect|connexion/i);
  }
  const api = new Browser(h.baseUrl);
  await api.get('/api/v1/session');
  const form = new FormData();
  form.append(FIELD, new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'livret.png');
  await expectRefusedLeavingNothing('anonymous → API draft documents', () => api.send('POST', '/api/v1/services/inscription-scolaire/draft/documents', { body: form, headers: { 'x-csrf-token': api.csrf } }), 401, /connect/i);
});

/** A multipart body written by hand (bytes as latin1): the session's token, then `parts`. */
function rawMultipart(b: Browser, url: string, parts: string[]): Promise<Answer> {
  const boundary = 'LimiteDuFormulaire42';
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = part('_csrf', b.csrf) + parts.join('').replaceAll('{B}', boundary) + `--${boundary}--\r\n`;
  return b.send('POST', url, { body: Buffer.from(body, 'latin1'), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}
/**
 * A file whose name reaches the server exactly as given, control characters included: RFC 5987's
 * `filename*` (a browser's FormData would percent-escape CR, LF and quotes itself).
 */
const exactNameFile = (name: string, content: Buffer, field = FIELD) =>
  `--{B}\r\nContent-Disposition: form-data; name="${field}"; filename*=UTF-8''${encodeURIComponent(name)}\r\nContent-Type: text/html\r\n\r\n${content.toString('latin1')}\r\n`;
const tinyPart = (i: number) => `--{B}\r\nContent-Disposition: form-data; name="champ${i}"\r\n\r\nx\r\n`;
const hugeNamePart = `--{B}\r\nContent-Disposition: form-data; name="${'n'.repeat(60_000)}"\r\n\r\nx\r\n`;
const hugeNameFile = `--{B}\r\nContent-Disposition: form-data; name="${'f'.repeat(60_000)}"; filename="livret.png"\r\nContent-Type: image/png\r\n\r\n${PNG.toString('latin1')}\r\n`;

test.each([
  ['thousands of tiny parts', Array.from({ length: 5000 }, (_v, i) => tinyPart(i))],
  ['a field name of 60,000 characters', [hugeNamePart]],
  ['a file field name of 60,000 characters', [hugeNameFile]],
])('a multipart body with %s: a 4xx in French, never a 500, nothing stored', async (what, parts) => {
  for (const [who, url] of [[() => eva, DRAFT_PIECES], [() => eva, `/demandes/${request.number}/pieces`], [() => agent, '/agent/factures/import']] as const) {
    await expectRefusedLeavingNothing(`${what} → ${url}`, () => rawMultipart(who(), url, parts), /^4\d\d$/, /[éèàç]|champ|fichier/i);
  }
});

test('hostile file names are stored harmless: no line break, quote or direction override, 120 characters at most', async () => {
  const NAMES: Array<[string, string]> = [
    ['CRLF (header injection)', 'livret\r\nX-Injecte: oui\r\n.png'],
    ['quotes', 'livret"; filename="evil.html.png'],
    ['right-to-left override', 'livret\u202Egnp.exe'],
    ['300 characters', `${'a'.repeat(296)}.png`],
  ];
  for (const [what, name] of NAMES) {
    const r = await rawMultipart(eva, DRAFT_PIECES, [exactNameFile(name, PNG)]);
    expect({ what, status: r.status }).toEqual({ what, status: 422 }); // kept; the other documents are still missing
    const doc = (await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: evaAccount.id })).documents.find((d) => d.key === 'livret-famille');
    const stored = doc && doc.mode === 'upload' ? doc.fileName : '';
    expect({ what, safe: /^[^"\p{Cc}\p{Cf}]{1,120}$/u.test(stored), sniffed: doc && doc.mode === 'upload' ? doc.mimeType : '' }).toEqual({ what, safe: true, sniffed: 'image/png' });
  }
});

test('a PDF–HTML polyglot is kept as a PDF and downloaded by the agent as an attachment that cannot run, whatever its name', async () => {
  const polyglot = Buffer.from(`${PDF_MAGIC}${HTML}\n%%EOF\n`);
  const name = 'livret"\r\nX-Injecte: oui\r\n\u202E<script>.pdf';
  const r = await rawMultipart(eva, `/demandes/${request.number}/pieces`, [exactNameFile(name, polyglot)]);
  expect(r.status).toBe(303);
  const doc = await waitUntil('pièce enregistrée', () => h.dataSource.getRepository(RequestDocument).findOneBy({ requestId: request.id, documentKey: 'livret-famille', mode: 'upload' }));
  expect(doc.mimeType).toBe('application/pdf');
  expect(doc.fileName).not.toMatch(/[\r\n"\u202E<>]/u);

  const download = await agent.send('GET', `/agent/demandes/${request.number}/documents/${doc.id}`);
  expect(download.status).toBe(200);
  expect(download.text).toBe(polyglot.toString());
  expect(download.headers.get('content-type')).toBe('application/pdf');
  expect(download.headers.get('x-content-type-options')).toBe('nosniff');
  expect(download.headers.get('x-injecte')).toBeNull();
  const disposition = download.headers.get('content-disposition') ?? '';
  expect(disposition).toMatch(/^attachment; filename="[\x20-\x21\x23-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~!*'()-]+$/);
  expect(download.headers.get('content-security-policy')).toContain("default-src 'self'");
  // The resident has no download route: the pièce is shown by name only, escaped.
  const page = await eva.get(`/demandes/${request.number}`);
  expect(page.text).not.toContain('<script>.pdf');
  // The upload moved the request's workflow on: let it write all it will before the next refusals.
  await databaseAtRest(h.dataSource);
});

describe('the agents’ invoice import (/agent/factures) refuses what is not a CSV', () => {
  const MB = 1024 * 1024;
  test.each([
    ['a PNG image', 'factures.csv', 'text/csv', PNG, 422],
    ['an HTML page', 'factures.csv', 'text/csv', Buffer.from(HTML), 422],
    ['binary bytes', 'factures.bin', 'application/octet-stream', Buffer.from(Array.from({ length: 4096 }, (_v, i) => (i * 37) % 256)), 422],
    ['a file over 2 MB', 'factures.csv', 'text/csv', Buffer.concat([Buffer.from('numero;regie\n'), Buffer.alloc(2 * MB + 1, 0x41)]), 413],
    ['an empty file', 'factures.csv', 'text/csv', Buffer.alloc(0), 422],
  ])('%s', async (what, name, type, content, status) => {
    await expectRefusedLeavingNothing(what, () => upload(agent, '/agent/factures/import', { name, type, content, field: 'fichier' }), status, /[éèàç]/);
  });
});
