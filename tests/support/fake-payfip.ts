// A local stand-in for PayFiP, the DGFiP's payment service, answering as the real one does (the
// shapes come from the public implementations cited in payments/payfip.ts):
// - SOAP on /tpa/services/securite: `creerPaiementSecurise` checks its arguments as PayFiP does
//   (faults T1, T2, S1, M1, M3, M5, A1, A2, R3, N1, D1) and answers an idOp;
//   `recupererDetailPaiementSecurise` answers the transaction's detail once it is settled, fault P5
//   before that, P1 for an idOp it does not know. Faults come with HTTP 500, as SOAP 1.1 wants.
// - The payment page on /tpa/paiementws.web?idop=…, with «Payer», «Refuser» and «Abandonner»:
//   the result is recorded, urlnotif gets a form POST whose only field is `idOp`, then the browser
//   goes to urlredirect.
// - Controls for tests: settle(), forceError(), down()/up(), and the log of every SOAP call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';

export type PayfipResultrans = 'P' | 'V' | 'R' | 'Z' | 'A';

export interface FakePayfipPayment {
  idOp: string;
  exer: string;
  mel: string;
  montant: string;
  numcli: string;
  objet: string;
  refdet: string;
  saisie: string;
  urlnotif: string;
  urlredirect: string;
  createdAt: Date;
  /** Unset until the payer answers the payment page (PayFiP then answers P5). */
  resultrans?: PayfipResultrans;
  numauto?: string;
  dattrans?: string;
  heurtrans?: string;
}

export interface FakePayfipCall {
  operation: string;
  fields: Record<string, string>;
  /** 'ok', the fault code answered, or 'down' when the service was down. */
  outcome: string;
}

export interface FakePayfipNotification {
  idOp: string;
  url: string;
  /** The HTTP status urlnotif answered, or the error when it could not be reached. */
  status?: number;
  error?: string;
}

export interface FakePayfip {
  /** For PayfipProvider's `wsUrl` (PAYFIP_WS_URL). */
  wsUrl: string;
  /** For PayfipProvider's `paymentPageUrl` (PAYFIP_PAYMENT_URL): the idOp is appended. */
  paymentPageUrl: string;
  payments: Map<string, FakePayfipPayment>;
  /** Every SOAP call, in order. */
  calls: FakePayfipCall[];
  /** Every call to an urlnotif, in order. */
  notifications: FakePayfipNotification[];
  /** The payer's answer on the payment page, without a browser: records it and notifies urlnotif. */
  settle(idOp: string, resultrans: PayfipResultrans): Promise<{ redirectUrl: string }>;
  /** From now on `recupererDetailPaiementSecurise` answers this fault for the idOp; null stops it. */
  forceError(idOp: string, code: 'P5' | 'P1' | null): void;
  /** The SOAP endpoint drops every connection until up(). */
  down(): void;
  up(): void;
  stop(): Promise<void>;
}

const SERVICE_NAMESPACE =
  'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
const RESPONSE_NAMESPACE = 'http://securite.service.tpa.cp.finances.gouv.fr/reponse';
const WS_PATH = '/tpa/services/securite';
const PAGE_PATH = '/tpa/paiementws.web';

const LIBELLES: Record<string, string> = {
  T1: 'Numéro client invalide.',
  T2: 'Le numéro du client doit être pré-existant dans la base PayFiP.',
  S1: 'Mode de saisie invalide.',
  M1: "Le format du montant n'est pas correct.",
  M3: 'Le montant doit être supérieur ou égal à 1 euro.',
  M5: 'Le montant dépasse la limite autorisée.',
  A1: 'Adresse électronique non renseignée.',
  A2: "L'adresse électronique est incorrecte.",
  R3: "Le format du paramètre REFDET n'est pas conforme.",
  N1: "L'URL de notification n'est pas valide.",
  D1: "L'URL de redirection n'est pas valide.",
  P1: 'IdOp incorrect.',
  P5: 'Résultat de la transaction non connu.',
};

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, htmlEntities: true });

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function soap(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>${body}</S:Body></S:Envelope>`;
}

function faultEnvelope(code: string): string {
  return soap(
    '<S:Fault><faultcode>S:Server</faultcode>' +
      '<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring>' +
      `<detail><ns1:FonctionnelleErreur xmlns:ns1="${SERVICE_NAMESPACE}">` +
      `<code>${code}</code><descriptif>${xml(LIBELLES[code] ?? '')}</descriptif>` +
      `<libelle>${xml(LIBELLES[code] ?? '')}</libelle><severite>2</severite>` +
      '</ns1:FonctionnelleErreur></detail></S:Fault>',
  );
}

function responseEnvelope(operation: string, fields: Record<string, string | undefined>): string {
  const inner = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `<ns3:${name}>${xml(value)}</ns3:${name}>`)
    .join('');
  return soap(
    `<ns2:${operation}Response xmlns:ns2="${SERVICE_NAMESPACE}" xmlns:ns3="${RESPONSE_NAMESPACE}"><return>${inner}</return></ns2:${operation}Response>`,
  );
}

function isWebUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The fault PayFiP answers to these arguments, or null when it accepts them. */
function creerPaiementFault(f: Record<string, string>, clients: string[] | undefined): string | null {
  if (!/^\d{6}$/.test(f.numcli ?? '')) return 'T1';
  if (clients && !clients.includes(f.numcli)) return 'T2';
  if (!['T', 'X', 'W'].includes(f.saisie ?? '')) return 'S1';
  if (!/^\d+$/.test(f.montant ?? '')) return 'M1';
  if (Number(f.montant) < 100) return 'M3';
  if (Number(f.montant) > 10_000_000) return 'M5';
  if (!f.mel) return 'A1';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.mel) || f.mel.length > 80) return 'A2';
  if (!/^[A-Za-z0-9]{6,30}$/.test(f.refdet ?? '')) return 'R3';
  if (!isWebUrl(f.urlnotif ?? '')) return 'N1';
  if (!isWebUrl(f.urlredirect ?? '')) return 'D1';
  return null;
}

const PARIS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function escapeHtml(value: string): string {
  return xml(value).replace(/'/g, '&#39;');
}

function paymentPage(payment: FakePayfipPayment): string {
  const euros = (Number(payment.montant) / 100).toFixed(2).replace('.', ',');
  const answered = payment.resultrans
    ? `<p>Cette transaction est déjà traitée (résultat ${payment.resultrans}).</p>`
    : `<form method="post" action="${PAGE_PATH}">
<input type="hidden" name="idop" value="${escapeHtml(payment.idOp)}">
<button type="submit" name="resultrans" value="P">Payer</button>
<button type="submit" name="resultrans" value="R">Refuser</button>
<button type="submit" name="resultrans" value="A">Abandonner</button>
</form>`;
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>PayFiP (simulation)</title></head><body>
<h1>Paiement PayFiP (simulation)</h1>
<dl><dt>Montant</dt><dd>${euros} €</dd><dt>Référence</dt><dd>${escapeHtml(payment.refdet)}</dd><dt>Objet</dt><dd>${escapeHtml(payment.objet)}</dd></dl>
${answered}
</body></html>`;
}

export async function startFakePayfip(options: { clients?: string[] } = {}): Promise<FakePayfip> {
  const payments = new Map<string, FakePayfipPayment>();
  const calls: FakePayfipCall[] = [];
  const notifications: FakePayfipNotification[] = [];
  const forced = new Map<string, 'P5' | 'P1'>();
  let isDown = false;

  async function notify(payment: FakePayfipPayment): Promise<void> {
    const entry: FakePayfipNotification = { idOp: payment.idOp, url: payment.urlnotif };
    try {
      const res = await fetch(payment.urlnotif, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ idOp: payment.idOp }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(5_000),
      });
      await res.arrayBuffer();
      entry.status = res.status;
    } catch (error) {
      entry.error = (error as Error).message;
    }
    notifications.push(entry);
  }

  async function settle(idOp: string, resultrans: PayfipResultrans): Promise<{ redirectUrl: string }> {
    const payment = payments.get(idOp);
    if (!payment) throw new Error(`idOp inconnu du faux PayFiP : ${idOp}`);
    if (!payment.resultrans) {
      const parts = Object.fromEntries(PARIS.formatToParts(new Date()).map((p) => [p.type, p.value]));
      payment.resultrans = resultrans;
      payment.dattrans = `${parts.day}${parts.month}${parts.year}`;
      payment.heurtrans = `${parts.hour}${parts.minute}`;
      if (resultrans === 'P' || resultrans === 'V') payment.numauto = String(100_000 + Math.floor(Math.random() * 900_000));
      await notify(payment);
    }
    return { redirectUrl: payment.urlredirect };
  }

  function answerSoap(res: http.ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
    res.end(body);
  }

  async function handleSoap(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let operation = '';
    let fields: Record<string, string> = {};
    try {
      const body = (parser.parse(raw, true) as { Envelope?: { Body?: Record<string, unknown> } }).Envelope?.Body ?? {};
      operation = Object.keys(body)[0] ?? '';
      const arg0 = (body[operation] as { arg0?: Record<string, unknown> } | undefined)?.arg0 ?? {};
      fields = Object.fromEntries(Object.entries(arg0).map(([k, v]) => [k, typeof v === 'string' ? v : String(v ?? '')]));
    } catch {
      // Unreadable XML: the service answers a generic SOAP fault.
    }
    const log = (outcome: string) => calls.push({ operation, fields, outcome });

    if (operation === 'creerPaiementSecurise') {
      const fault = creerPaiementFault(fields, options.clients);
      if (fault) {
        log(fault);
        return answerSoap(res, 500, faultEnvelope(fault));
      }
      const idOp = randomUUID();
      payments.set(idOp, {
        idOp,
        exer: fields.exer ?? '',
        mel: fields.mel,
        montant: fields.montant,
        numcli: fields.numcli,
        objet: fields.objet ?? '',
        refdet: fields.refdet,
        saisie: fields.saisie,
        urlnotif: fields.urlnotif,
        urlredirect: fields.urlredirect,
        createdAt: new Date(),
      });
      log('ok');
      return answerSoap(res, 200, responseEnvelope(operation, { idOp }));
    }

    if (operation === 'recupererDetailPaiementSecurise') {
      const idOp = fields.idOp ?? '';
      const payment = payments.get(idOp);
      const fault = forced.get(idOp) ?? (!payment ? 'P1' : !payment.resultrans ? 'P5' : null);
      if (fault || !payment) {
        log(fault ?? 'P1');
        return answerSoap(res, 500, faultEnvelope(fault ?? 'P1'));
      }
      log('ok');
      return answerSoap(
        res,
        200,
        responseEnvelope(operation, {
          dattrans: payment.dattrans,
          exer: payment.exer,
          heurtrans: payment.heurtrans,
          idOp: payment.idOp,
          mel: payment.mel,
          montant: payment.montant,
          numauto: payment.numauto ?? '',
          numcli: payment.numcli,
          objet: payment.objet,
          refdet: payment.refdet,
          resultrans: payment.resultrans,
          saisie: payment.saisie,
        }),
      );
    }

    log('unknown-operation');
    answerSoap(
      res,
      500,
      soap('<S:Fault><faultcode>S:Client</faultcode><faultstring>Cannot find dispatch method</faultstring></S:Fault>'),
    );
  }

  async function handlePage(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const html = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    if (req.method === 'GET') {
      const payment = payments.get(url.searchParams.get('idop') ?? '');
      if (!payment) return html(404, '<!DOCTYPE html><html lang="fr"><title>PayFiP</title><p>Transaction inconnue.</p></html>');
      return html(200, paymentPage(payment));
    }
    const form = new URLSearchParams(await readBody(req));
    const resultrans = form.get('resultrans');
    const payment = payments.get(form.get('idop') ?? '');
    if (!payment || !resultrans || !['P', 'R', 'A'].includes(resultrans)) {
      return html(400, '<!DOCTYPE html><html lang="fr"><title>PayFiP</title><p>Demande invalide.</p></html>');
    }
    const { redirectUrl } = await settle(payment.idOp, resultrans as PayfipResultrans);
    res.writeHead(303, { location: redirectUrl });
    res.end();
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-payfip');
    if (url.pathname === WS_PATH && req.method === 'POST') {
      if (isDown) {
        calls.push({ operation: '', fields: {}, outcome: 'down' });
        req.socket.destroy();
        return;
      }
      return handleSoap(req, res);
    }
    if (url.pathname === PAGE_PATH) return handlePage(req, res, url);
    res.writeHead(404).end();
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(String(error));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    wsUrl: `${base}${WS_PATH}`,
    paymentPageUrl: `${base}${PAGE_PATH}?idop=`,
    payments,
    calls,
    notifications,
    settle,
    forceError(idOp, code) {
      if (code) forced.set(idOp, code);
      else forced.delete(idOp);
    },
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
