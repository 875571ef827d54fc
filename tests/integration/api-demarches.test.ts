// The resident's draft over the JSON API, against the whole portal (MariaDB, Temporal, SMTP): an
// account not yet validated saves each step of an inscription scolaire for its child, joins one
// PDF and declares the other documents by post, submits (201, then 200 with the same number on a
// replay), and gets the receipt mail; a step with a missing field and an executable renamed .pdf
// are refused in French, nothing stored.
import { readdir } from 'node:fs/promises';
import { Account, DemarcheDraft, DemarcheRequest, RequestDocument } from '../../db/entities';
import { startHarness, WebClient, type Harness } from '../support/harness';
import { signUp, STRONG_PASSWORD } from '../support/journeys';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200, 0x41)]);
const BASE = '/api/v1/services/inscription-scolaire';
const CHILD = { membre_type: 'enfant', membre_civilite: 'Monsieur', membre_prenom: 'Léo', membre_nom: 'Api', membre_date_naissance: '2019-05-02', membre_lien: 'Fils' };

interface ApiError {
  error: { code: string; message: string; fields: Record<string, string> };
}
interface Draft {
  demarche: string;
  cle: string;
  membre: number | null;
  reponses: Record<string, unknown>;
  pieces: Array<{ cle: string; mode: string; nomFichier: string | null; tailleOctets: number | null }>;
}

/** A JSON client holding its session cookie and CSRF token, which also sends multipart forms. */
class ApiSession {
  private cookie = '';
  private csrf = '';
  constructor(private readonly baseUrl: string) {}

  private async send(method: string, path: string, body: BodyInit | undefined, type?: string) {
    const headers: Record<string, string> = { 'x-csrf-token': this.csrf };
    if (this.cookie) headers.cookie = this.cookie;
    if (type) headers['content-type'] = type;
    const res = await fetch(this.baseUrl + path, { method, headers, body, redirect: 'manual' });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (set.length) this.cookie = set.join('; ');
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as unknown, location: res.headers.get('location') };
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; location: string | null }> {
    const r = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
    return r as { status: number; body: T; location: string | null };
  }

  async multipart<T>(path: string, files: Array<{ field: string; name: string; content: Buffer; type: string }>) {
    const form = new FormData();
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.content)], { type: f.type }), f.name);
    return (await this.send('POST', path, form)) as { status: number; body: T };
  }

  async login(identifiant: string, motDePasse: string): Promise<void> {
    const session = await this.json<{ csrfToken: string }>('GET', '/api/v1/session');
    this.csrf = session.body.csrfToken;
    const r = await this.json<{ csrfToken: string }>('POST', '/api/v1/session', { identifiant, mot_de_passe: motDePasse });
    expect(r.status).toBe(200);
    this.csrf = r.body.csrfToken;
  }
}

let h: Harness;
let api: ApiSession;
let account: Account;

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(h.config.documents.dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => `${e.parentPath}/${e.name}`).sort();
}

beforeAll(async () => {
  h = await startHarness('api_demarches');
  const email = 'nora.api@example.fr';
  expect((await signUp(new WebClient(h.baseUrl), { prenom: 'Nora', nom: 'Api', email }, [CHILD])).status).toBe(303);
  account = await h.dataSource.getRepository(Account).findOneByOrFail({ email });
  expect(account.status).toBe('pending');
  api = new ApiSession(h.baseUrl);
  await api.login(account.identifier, STRONG_PASSWORD);
});
afterAll(async () => {
  await h?.close();
});

test('an account not yet validated saves each step, joins a PDF, posts the rest and submits once', async () => {
  const members = await api.json<Array<{ id: number; membre_prenom: string }>>('GET', '/api/v1/me/members');
  const child = members.body.find((m) => m.membre_prenom === 'Léo')?.id as number;
  expect(child).toBeGreaterThan(0);

  // A missing required field and a missing child: 422, French messages per field, nothing saved.
  let r = await api.json<ApiError>('PUT', `${BASE}/draft`, { etape: 'scolarite', reponses: { rentree: 'septembre' } });
  expect(r.status).toBe(422);
  expect(r.body.error.fields.niveau).toMatch(/^Le champ « [^»]+ » est obligatoire\.$/);
  expect(r.body.error.fields.membre).toBe("Choisissez l'enfant concerné par la démarche.");
  expect(await h.dataSource.getRepository(DemarcheDraft).countBy({ accountId: account.id })).toBe(0);
  r = await api.json<ApiError>('PUT', `${BASE}/draft`, { etape: 'inconnue', reponses: {} });
  expect(r.status).toBe(422);
  expect(r.body.error.fields.etape).toContain('scolarite');

  const saved = await api.json<Draft>('PUT', `${BASE}/draft`, { membre: child, etape: 'scolarite', reponses: { rentree: 'septembre', niveau: 'cp' } });
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({ demarche: 'inscription-scolaire', membre: child, reponses: { rentree: 'septembre', niveau: 'cp' }, pieces: [] });
  const key = saved.body.cle;
  expect((await api.json('PUT', `${BASE}/draft`, { etape: 'ecole', reponses: { ecole_souhaitee: 'secteur' } })).status).toBe(200);
  const last = await api.json<Draft>('PUT', `${BASE}/draft`, { etape: 'complements', reponses: { restauration_scolaire: 'oui' } });
  expect(last.status).toBe(200);
  expect(last.body).toMatchObject({ cle: key, membre: child, reponses: { niveau: 'cp', ecole_souhaitee: 'secteur', restauration_scolaire: 'oui' } });

  // Submitting before the required documents: 422 naming them, no request.
  const sent = await api.json<ApiError>('POST', `${BASE}/submit`, { cle: key });
  expect(sent.status).toBe(422);
  expect(sent.body.error.fields['document_livret-famille']).toContain('est obligatoire');
  expect(await h.dataSource.getRepository(DemarcheRequest).countBy({ accountId: account.id })).toBe(0);

  // An executable renamed .pdf: refused in French, nothing on disk, the draft unchanged.
  const before = await storedFiles();
  const exe = await api.multipart<ApiError>(`${BASE}/draft/documents`, [
    { field: 'fichier_justificatif-domicile', name: 'facture.pdf', content: EXE, type: 'application/pdf' },
  ]);
  expect(exe.status).toBe(422);
  expect(exe.body.error.message).toContain('Seuls les fichiers');
  expect(await storedFiles()).toEqual(before);
  expect((await h.dataSource.getRepository(DemarcheDraft).findOneByOrFail({ accountId: account.id })).documents).toEqual([]);

  const uploaded = await api.multipart<Draft['pieces']>(`${BASE}/draft/documents`, [
    { field: 'fichier_justificatif-domicile', name: 'facture.pdf', content: PDF, type: 'application/pdf' },
  ]);
  expect(uploaded.status).toBe(200);
  expect(uploaded.body).toEqual([
    { cle: 'justificatif-domicile', libelle: expect.any(String), mode: 'upload', nomFichier: 'facture.pdf', tailleOctets: PDF.length },
  ]);
  expect(await storedFiles()).toHaveLength(before.length + 1);
  for (const piece of ['livret-famille', 'carnet-vaccination']) {
    const posted = await api.json<Draft['pieces']>('POST', `${BASE}/draft/documents`, { piece, mode: 'courrier' });
    expect(posted.status).toBe(200);
    expect(posted.body.find((p) => p.cle === piece)).toMatchObject({ mode: 'paper', nomFichier: null });
  }
  // A document the démarche does not ask for is refused.
  const unknown = await api.json<ApiError>('POST', `${BASE}/draft/documents`, { piece: 'passeport', mode: 'courrier' });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error.fields.piece).toBe("Cette pièce n'est pas demandée pour cette démarche.");

  const submitted = await api.json<{ number: string; status: string; url: string }>('POST', `${BASE}/submit`, { cle: key });
  expect(submitted.status).toBe(201);
  const created = submitted.body;
  expect(created.number).toMatch(/^BEA-\d{4}-\d{6}$/);
  expect(created).toEqual({ number: created.number, status: 'en_cours', url: `/api/v1/requests/${created.number}` });
  expect(submitted.location).toBe(created.url);

  // A replay: the same request, 200, still one request.
  const replay = await api.json<{ number: string }>('POST', `${BASE}/submit`, { cle: key });
  expect(replay).toMatchObject({ status: 200, body: { number: created.number } });
  const requests = await h.dataSource.getRepository(DemarcheRequest).findBy({ accountId: account.id });
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ memberId: child, answers: { rentree: 'septembre', niveau: 'cp', ecole_souhaitee: 'secteur' } });
  expect(await h.dataSource.getRepository(DemarcheDraft).countBy({ accountId: account.id })).toBe(0);
  const docs = await h.dataSource.getRepository(RequestDocument).find({ where: { requestId: requests[0].id }, order: { documentKey: 'ASC' } });
  expect(docs.map((d) => [d.documentKey, d.mode, d.state])).toEqual([
    ['carnet-vaccination', 'paper', 'expected'],
    ['justificatif-domicile', 'upload', 'received'],
    ['livret-famille', 'paper', 'expected'],
  ]);

  const receipt = await h.smtp.waitFor((m) => m.to.includes(account.email) && m.subject.includes(created.number), 20_000);
  expect(receipt.text).toContain(created.number);
  expect(receipt.text).toContain('Livret de famille');

  const read = await api.json<{ numero: string; membre: { id: number } }>('GET', created.url);
  expect(read).toMatchObject({ status: 200, body: { numero: created.number, membre: { id: child } } });
});

test('without a session or the CSRF header, nothing is saved', async () => {
  const anonymous = new ApiSession(h.baseUrl);
  const r = await anonymous.json<ApiError>('PUT', `${BASE}/draft`, { etape: 'scolarite', reponses: {} });
  expect(r.status).toBe(403);
  expect(r.body.error.code).toBe('csrf');
  const res = await fetch(`${h.baseUrl}${BASE}/submit`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ cle: 'x' }),
  });
  expect(res.status).toBe(403);
});
