// PayFiP («TIPI régie»), the DGFiP's card payment for public bodies, over its SOAP web service:
// `creerPaiementSecurise` opens a payment and gives an idOp, the payer's browser goes to the payment
// page with it, and `recupererDetailPaiementSecurise` tells what happened. The notification PayFiP
// sends carries the idOp only: what it means is always read here, from the service.
//
// The envelope, namespace, <arg0> wrapper, field names and fault shape follow public
// implementations of this service: Entr'ouvert's eopayment (eopayment/payfip_ws.py: fault
// «FonctionnelleErreur» with code/libelle/descriptif, P5/P1 meaning, refdet and objet rules, the
// 6-digit numcli), the Odoo «payment_tipiregie» module (hand-built envelope on
// …/PaiementSecuriseService with <arg0>, the four fault types) and DAFAP's SchoolBusManager PayFiP
// plugin (the request and response field lists, amounts in cents from 1 €).
import { XMLParser } from 'fast-xml-parser';
import {
  assertPayableInput,
  interpretPayfipResult,
  PermanentProviderError,
  type CreatePaymentInput,
  type CreatedPayment,
  type PaymentProvider,
  type ProviderStatus,
} from './provider';

export const PAYFIP_SERVICE_NAMESPACE =
  'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

/** The production endpoints (the test mode «T» and activation «X» use them too). */
export const PAYFIP_WS_URL = 'https://www.payfip.gouv.fr/tpa/services/securite';
export const PAYFIP_PAYMENT_PAGE_URL = 'https://www.payfip.gouv.fr/tpa/paiementws.web?idop=';

export interface PayfipOptions {
  /** The SOAP endpoint. */
  wsUrl?: string;
  /** The payment page, the idOp appended: `…/paiementws.web?idop=`. */
  paymentPageUrl?: string;
  /** Per SOAP call; a payer waits on the first one. */
  timeoutMs?: number;
}

/** `creerPaiementSecurise`'s arguments, in PayFiP's words. */
export interface CreerPaiementSecuriseArgs {
  /** The budget year, «2026». */
  exer: string;
  mel: string;
  /** In cents. */
  montant: string;
  numcli: string;
  /** Omitted when empty. */
  objet: string;
  refdet: string;
  /** T test, X activation, W production. */
  saisie: 'T' | 'X' | 'W';
  urlnotif: string;
  urlredirect: string;
}

/** `recupererDetailPaiementSecurise`'s answer (every field as PayFiP writes it). */
export interface PaiementSecuriseDetail {
  idOp: string;
  resultrans: string;
  numauto?: string;
  /** DDMMYYYY, Paris time. */
  dattrans?: string;
  /** HHMM, Paris time. */
  heurtrans?: string;
  mel?: string;
  montant?: string;
  refdet?: string;
  numcli?: string;
  exer?: string;
  objet?: string;
  saisie?: string;
}

/** The four fault types of the service (the detail element's name), or a fault without one of them. */
export type PayfipFaultType =
  | 'FonctionnelleErreur'
  | 'TechDysfonctionnementErreur'
  | 'TechIndisponibiliteErreur'
  | 'TechProtocolaireErreur'
  | 'inconnue';

export interface PayfipFault {
  type: PayfipFaultType;
  /** P5, P1, T1, M3…; '' when the fault carried none. */
  code: string;
  libelle?: string;
  descriptif?: string;
  severite?: string;
  faultstring?: string;
}

export type PayfipAnswerOf<T> = { kind: 'ok'; value: T } | { kind: 'fault'; fault: PayfipFault };

// ---- Building requests ----------------------------------------------------------------------------

const CREER_FIELDS = ['exer', 'mel', 'montant', 'numcli', 'objet', 'refdet', 'saisie', 'urlnotif', 'urlredirect'] as const;

/** Escapes the five XML specials and drops the characters XML 1.0 cannot carry at all. */
export function escapeXml(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function envelope(operation: string, fields: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NAMESPACE}" xmlns:pai="${PAYFIP_SERVICE_NAMESPACE}">` +
    `<soapenv:Header/><soapenv:Body><pai:${operation}><arg0>${fields}</arg0></pai:${operation}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

export function buildCreerPaiementSecuriseEnvelope(args: CreerPaiementSecuriseArgs): string {
  const fields = CREER_FIELDS.filter((name) => !(name === 'objet' && args.objet === ''))
    .map((name) => `<${name}>${escapeXml(args[name])}</${name}>`)
    .join('');
  return envelope('creerPaiementSecurise', fields);
}

export function buildRecupererDetailPaiementSecuriseEnvelope(idOp: string): string {
  // «idOp» with a capital O: the lower-case spelling is answered with P1.
  return envelope('recupererDetailPaiementSecurise', `<idOp>${escapeXml(idOp)}</idOp>`);
}

// ---- Checking what we send ------------------------------------------------------------------------

const NUMCLI = /^\d{6}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * PayFiP's «objet» takes letters, digits and spaces only, 100 at most: accents are taken off,
 * apostrophes and hyphens become spaces, anything else goes (as eopayment's normalize_objet does).
 */
export function payfipObjet(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’-]/g, ' ')
    .replace(/[^A-Za-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100)
    .trim();
}

const PARIS_YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric' });

/**
 * The arguments of `creerPaiementSecurise` for a payment, or a PermanentProviderError saying which
 * one PayFiP would refuse: retrying the same request cannot succeed.
 */
export function creerPaiementSecuriseArgs(input: CreatePaymentInput): CreerPaiementSecuriseArgs {
  const { payfipNumcli, payfipMode } = input.regie;
  if (!payfipNumcli || !NUMCLI.test(payfipNumcli)) {
    throw new PermanentProviderError(`Numéro client PayFiP de la régie invalide : « ${payfipNumcli ?? ''} » (6 chiffres attendus).`);
  }
  if (payfipMode !== 'T' && payfipMode !== 'X' && payfipMode !== 'W') {
    throw new PermanentProviderError(`Mode de saisie PayFiP de la régie invalide : « ${payfipMode ?? ''} » (T, X ou W).`);
  }
  assertPayableInput(input);
  if (input.email.length < 6 || input.email.length > 80 || !EMAIL.test(input.email)) {
    throw new PermanentProviderError(`Adresse électronique refusée par PayFiP : « ${input.email} ».`);
  }
  return {
    exer: PARIS_YEAR.format(input.createdAt),
    mel: input.email,
    montant: String(input.amountCents),
    numcli: payfipNumcli,
    objet: payfipObjet(input.label),
    refdet: input.reference,
    saisie: payfipMode,
    urlnotif: input.notifyUrl,
    urlredirect: input.returnUrl,
  };
}

// ---- Reading answers ------------------------------------------------------------------------------

// Namespaces differ between PayFiP's answers (the service's, the «reponse» one, none): names are
// read without prefixes. Values stay strings (numauto and montant keep their leading zeros), and
// `htmlEntities` is what makes the parser decode character references such as &#233;.
const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: true,
  htmlEntities: true,
});

type XmlNode = Record<string, unknown>;

function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' && !Array.isArray(node) ? (node as XmlNode)[name] : undefined;
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  // <numauto/> comes back as '' already; a node with children has no text of its own.
  return undefined;
}

/** The SOAP Body, or a plain (retryable) error when the answer is not a SOAP envelope at all. */
function soapBody(xml: string): XmlNode {
  let document: unknown;
  try {
    document = parser.parse(xml, true);
  } catch (error) {
    throw new Error(`Réponse PayFiP illisible (XML invalide) : ${(error as Error).message}`);
  }
  const body = child(child(document, 'Envelope'), 'Body');
  if (!body || typeof body !== 'object') throw new Error('Réponse PayFiP illisible : pas d’enveloppe SOAP.');
  return body as XmlNode;
}

const FAULT_TYPES: PayfipFaultType[] = [
  'FonctionnelleErreur',
  'TechDysfonctionnementErreur',
  'TechIndisponibiliteErreur',
  'TechProtocolaireErreur',
];

function readFault(fault: unknown): PayfipFault {
  const detail = child(fault, 'detail') ?? child(fault, 'Detail');
  const faultstring = text(child(fault, 'faultstring'));
  for (const type of FAULT_TYPES) {
    const error = child(detail, type);
    if (error !== undefined) {
      const field = (name: string) => text(child(error, name)) || undefined;
      return {
        type,
        code: field('code') ?? '',
        libelle: field('libelle'),
        descriptif: field('descriptif'),
        severite: field('severite'),
        faultstring,
      };
    }
  }
  return { type: 'inconnue', code: '', faultstring };
}

function operationResult(xml: string, operation: string): PayfipAnswerOf<XmlNode> {
  const body = soapBody(xml);
  if (body.Fault !== undefined) return { kind: 'fault', fault: readFault(body.Fault) };
  const result = child(child(body, `${operation}Response`), 'return');
  if (!result || typeof result !== 'object') throw new Error(`Réponse PayFiP inattendue : pas de ${operation}Response/return.`);
  return { kind: 'ok', value: result as XmlNode };
}

export function parseCreerPaiementSecuriseResponse(xml: string): PayfipAnswerOf<{ idOp: string }> {
  const answer = operationResult(xml, 'creerPaiementSecurise');
  if (answer.kind === 'fault') return answer;
  const idOp = text(answer.value.idOp);
  if (!idOp) throw new Error('Réponse PayFiP inattendue : creerPaiementSecurise sans idOp.');
  return { kind: 'ok', value: { idOp } };
}

export function parseRecupererDetailPaiementSecuriseResponse(xml: string): PayfipAnswerOf<PaiementSecuriseDetail> {
  const answer = operationResult(xml, 'recupererDetailPaiementSecurise');
  if (answer.kind === 'fault') return answer;
  const field = (name: string) => text(answer.value[name]) || undefined;
  const resultrans = field('resultrans');
  if (!resultrans) throw new Error('Réponse PayFiP inattendue : recupererDetailPaiementSecurise sans resultrans.');
  return {
    kind: 'ok',
    value: {
      idOp: field('idOp') ?? field('idop') ?? '',
      resultrans,
      numauto: field('numauto'),
      dattrans: field('dattrans'),
      heurtrans: field('heurtrans'),
      mel: field('mel'),
      montant: field('montant'),
      refdet: field('refdet'),
      numcli: field('numcli'),
      exer: field('exer'),
      objet: field('objet'),
      saisie: field('saisie'),
    },
  };
}

const PARIS_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function parisOffsetMs(instant: number): number {
  const parts = Object.fromEntries(PARIS_PARTS.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const asIfUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asIfUtc - Math.floor(instant / 1000) * 1000;
}

/** dattrans «19112015» and heurtrans «1735» (Paris time) as an instant; undefined when either is malformed. */
export function payfipTransactionDate(dattrans: string | undefined, heurtrans: string | undefined): Date | undefined {
  const day = /^(\d{2})(\d{2})(\d{4})$/.exec(dattrans ?? '');
  const time = /^(\d{2})(\d{2})$/.exec(heurtrans ?? '');
  if (!day || !time) return undefined;
  const [d, mo, y, h, mi] = [day[1], day[2], day[3], time[1], time[2]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const wallClock = Date.UTC(y, mo - 1, d, h, mi);
  // The offset at the wall-clock time read as UTC is right except within hours of a change: check it.
  let instant = wallClock - parisOffsetMs(wallClock);
  instant = wallClock - parisOffsetMs(instant);
  return new Date(instant);
}

// ---- The provider ---------------------------------------------------------------------------------

/** A fault PayFiP answered to a request: for good (the request is wrong) or for now (the service is not well). */
function faultError(operation: string, fault: PayfipFault): Error {
  const what = [fault.code, fault.libelle ?? fault.descriptif ?? fault.faultstring].filter(Boolean).join(' : ');
  if (fault.type === 'FonctionnelleErreur' || fault.type === 'TechProtocolaireErreur') {
    return new PermanentProviderError(`PayFiP a refusé ${operation} (${fault.type}) : ${what}`, fault.code || undefined);
  }
  return new Error(`PayFiP indisponible pour ${operation} (${fault.type}) : ${what}`);
}

export class PayfipProvider implements PaymentProvider {
  readonly name = 'payfip' as const;
  private readonly wsUrl: string;
  private readonly paymentPageUrl: string;
  private readonly timeoutMs: number;

  constructor(options: PayfipOptions = {}) {
    this.wsUrl = options.wsUrl ?? PAYFIP_WS_URL;
    this.paymentPageUrl = options.paymentPageUrl ?? PAYFIP_PAYMENT_PAGE_URL;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async create(input: CreatePaymentInput): Promise<CreatedPayment> {
    const args = creerPaiementSecuriseArgs(input);
    const answer = parseCreerPaiementSecuriseResponse(await this.call(buildCreerPaiementSecuriseEnvelope(args)));
    if (answer.kind === 'fault') throw faultError('creerPaiementSecurise', answer.fault);
    return { providerRef: answer.value.idOp, redirectUrl: this.paymentPageUrl + encodeURIComponent(answer.value.idOp) };
  }

  async status(providerRef: string, createdAt: Date, now: Date): Promise<ProviderStatus> {
    const xml = await this.call(buildRecupererDetailPaiementSecuriseEnvelope(providerRef));
    const answer = parseRecupererDetailPaiementSecuriseResponse(xml);
    if (answer.kind === 'fault') {
      // P5 and P1 are statuses, not failures; other functional codes are not understood (interpret throws).
      if (answer.fault.type !== 'FonctionnelleErreur') throw faultError('recupererDetailPaiementSecurise', answer.fault);
      return interpretPayfipResult({ kind: 'fault', code: answer.fault.code }, createdAt, now);
    }
    const detail = answer.value;
    return interpretPayfipResult(
      {
        kind: 'result',
        resultrans: detail.resultrans,
        numauto: detail.numauto,
        paidAt: payfipTransactionDate(detail.dattrans, detail.heurtrans),
      },
      createdAt,
      now,
    );
  }

  /** One SOAP call: the answer's text, a fault included (SOAP 1.1 sends those with HTTP 500). */
  private async call(body: string): Promise<string> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.wsUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new Error(`PayFiP injoignable (${this.wsUrl}) : ${(error as Error).message}`, { cause: error });
    }
    if (response.status !== 200 && response.status !== 500) {
      throw new Error(`PayFiP a répondu HTTP ${response.status} (${this.wsUrl}).`);
    }
    return text;
  }
}
