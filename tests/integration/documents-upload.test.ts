// Upload abuse on the documents step of a démarche, over HTTP as a browser sends it: each refusal
// is a 4xx with a French message, and nothing stays on disk or in the draft.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Account, DemarcheDraft } from '../../db/entities';
import { acceptedTypesMessage, cleanFileName, sniffDocumentType } from '../../api/services/documents.service';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { residentClient, signUp, visibleText } from '../support/journeys';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(64, 0)]);
const PIECES = '/services/inscription-scolaire/pieces';

let h: Harness;
let web: WebClient;
let account: Account;
const dir = mkdtempSync(path.join(tmpdir(), 'pieces-'));

/** Every file under the documents folder. */
function storedFiles(root = dir): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? storedFiles(path.join(root, e.name)) : [path.join(root, e.name)],
  );
}
const draft = () => h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: account.id, demarcheCode: 'inscription-scolaire' });

beforeAll(async () => {
  h = await startHarness('documents_upload', { DOCUMENTS_DIR: dir, DOCUMENT_MAX_MB: '10' });
  const r = await signUp(new WebClient(h.baseUrl), { prenom: 'Ilan', nom: 'Piece', email: 'ilan.piece@example.fr' });
  expect(r.status).toBe(303);
  account = await h.dataSource.getRepository(Account).findOneByOrFail({ email: 'ilan.piece@example.fr' });
  web = await residentClient(h.baseUrl, account.identifier);
  expect((await web.get('/services/inscription-scolaire')).status).toBe(303);
  expect((await web.get(PIECES)).status).toBe(200);
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('content sniffing and names, as pure functions', () => {
  expect(sniffDocumentType(PDF)).toBe('application/pdf');
  expect(sniffDocumentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  expect(sniffDocumentType(PNG)).toBe('image/png');
  expect(sniffDocumentType(EXE)).toBeNull();
  expect(sniffDocumentType(Buffer.alloc(0))).toBeNull();
  expect(cleanFileName('../../etc/passwd.pdf')).toBeNull();
  expect(cleanFileName('..\\windows.pdf')).toBeNull();
  expect(cleanFileName('.cache\u0007 avis?.pdf')).toBe('cache avis_.pdf');
  expect(acceptedTypesMessage(['image/jpeg', 'image/png'])).toBe('Seuls les fichiers JPEG ou PNG sont acceptés.');
});

describe('refused uploads leave nothing behind', () => {
  const cases: Array<[string, Parameters<WebClient['postMultipart']>[2], number, string]> = [
    ['an 11 MB file', [{ field: 'fichier_livret-famille', name: 'livret.pdf', content: Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]) }], 413, 'Le fichier dépasse 10 Mo.'],
    ['an executable renamed .pdf', [{ field: 'fichier_livret-famille', name: 'livret.pdf', content: EXE, type: 'application/pdf' }], 422, 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.'],
    ['an empty file', [{ field: 'fichier_livret-famille', name: 'vide.pdf', content: Buffer.alloc(0), type: 'application/pdf' }], 422, 'Le fichier « vide.pdf » est vide.'],
    ['a path in the name', [{ field: 'fichier_livret-famille', name: '../../etc/passwd.pdf', content: PDF }], 422, 'contient un chemin de dossier'],
    ['more files than the démarche has documents', [
      ...['justificatif-domicile', 'livret-famille', 'carnet-vaccination', 'jugement-residence'].map((k) => ({ field: `fichier_${k}`, name: `${k}.pdf`, content: PDF })),
      { field: 'fichier_livret-famille', name: 'encore.pdf', content: PDF },
    ], 413, 'Trop de fichiers : 4 au plus pour cette démarche.'],
    ['two files for one document (a valid one first)', [
      { field: 'fichier_livret-famille', name: 'a.pdf', content: PDF },
      { field: 'fichier_livret-famille', name: 'b.pdf', content: PDF },
    ], 413, 'Un seul fichier par pièce'],
    ['a file for a document the démarche does not ask', [{ field: 'fichier_passeport', name: 'p.pdf', content: PDF }], 422, "Cette pièce n'est pas demandée"],
  ];
  test.each(cases)('%s', async (_label, files, status, message) => {
    const before = (await draft()).documents;
    const r = await web.postMultipart(PIECES, { 'mode_livret-famille': 'upload' }, files);
    expect(r.status).toBe(status);
    expect(visibleText(r.text)).toContain(message);
    expect(storedFiles()).toEqual([]);
    expect((await draft()).documents).toEqual(before);
    expect(Number((await h.dataSource.query('SELECT COUNT(*) AS n FROM request_document'))[0].n)).toBe(0);
  });

  test('a form with a wrong CSRF token is refused before any file is written', async () => {
    const token = web.csrf;
    web.csrf = 'x'.repeat(token.length);
    try {
      const r = await web.postMultipart(PIECES, {}, [{ field: 'fichier_livret-famille', name: 'livret.pdf', content: PDF }]);
      expect(r.status).toBe(403);
      expect(visibleText(r.text)).toContain('Le formulaire a expiré');
    } finally {
      web.csrf = token;
    }
    expect(storedFiles()).toEqual([]);
  });
});

test('a valid PNG is stored under <commune>/<year>/<uuid> with its checksum; replacing it removes the old file', async () => {
  const r = await web.postMultipart(PIECES, { 'mode_justificatif-domicile': 'upload' }, [
    { field: 'fichier_justificatif-domicile', name: 'facture edf.png', content: PNG, type: 'application/pdf' },
  ]);
  expect(r.status).toBe(422); // the other required documents are missing, the PNG is kept
  const [doc] = (await draft()).documents;
  expect(doc).toMatchObject({ key: 'justificatif-domicile', mode: 'upload', fileName: 'facture edf.png', mimeType: 'image/png', sizeBytes: PNG.length });
  if (doc.mode !== 'upload') throw new Error('upload attendu');
  expect(doc.storagePath).toMatch(new RegExp(`^beaucouze/${new Date().getFullYear()}/[0-9a-f-]{36}$`));
  expect(doc.sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
  expect(storedFiles()).toEqual([path.join(dir, doc.storagePath)]);
  expect(statSync(path.join(dir, doc.storagePath)).size).toBe(PNG.length);

  await web.postMultipart(PIECES, {}, [{ field: 'fichier_justificatif-domicile', name: 'autre.pdf', content: PDF }]);
  const [replaced] = (await draft()).documents;
  expect(replaced).toMatchObject({ fileName: 'autre.pdf', mimeType: 'application/pdf' });
  expect(storedFiles()).toHaveLength(1);
});
