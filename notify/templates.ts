// Renders the French mails and SMS from templates/mail and templates/sms. Rendering is separate
// from sending so the outbox can store exactly what was (or will be) sent.
//
// - templates/mail/<name>.hbs is the HTML body, wrapped in templates/mail/layout.hbs; its first line
//   is `{{!-- subject: … --}}`, itself a template.
// - templates/mail/<name>.txt.hbs is the plain-text part, wrapped in layout.txt.hbs.
// - templates/sms/<name>.txt.hbs is the SMS.
// HTML is escaped by {{ }}; subjects, plain text and SMS are not HTML, so they are compiled without
// escaping (an escaped subject would show «&lt;» in the mail client). Templates compile in strict
// mode: a field missing from the data throws instead of leaving a hole in a resident's mail.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config';

export const SMS_MAX_LENGTH = 320;

export interface RenderedMail {
  /** One line of plain text (not HTML-escaped). */
  subject: string;
  html: string;
  text: string;
}

/** Fields every template receives. */
export interface CommonTemplateData {
  communeName: string;
  /** The commune's portal, without trailing slash: https://demarches-beaucouze.example.fr */
  portalUrl: string;
}

/** Data of each template, for callers that want the compiler to check what they pass. */
export interface MailTemplateData {
  'account-identifier': CommonTemplateData & {
    firstName: string;
    identifier: string;
    /** Validation deadline, formatted in French: «jeudi 4 décembre 2025». */
    deadlineText: string;
  };
  'account-new-for-agents': CommonTemplateData & AccountSummary;
  'account-escalation': CommonTemplateData & AccountSummary & {
    /** 0 for the first escalation at the deadline, then 1, 2… for each reminder. */
    reminderNumber: number;
  };
  'account-validated': CommonTemplateData & { firstName: string; identifier: string };
  'account-rejected': CommonTemplateData & {
    firstName: string;
    reason: string;
    /** Where to reach the mairie (the commune's postal address, several lines). */
    mairieAddress: string;
  };
  'password-reset-link': CommonTemplateData & {
    firstName: string;
    identifier: string;
    resetUrl: string;
    validMinutes: number;
  };
  'password-changed': CommonTemplateData & {
    firstName: string;
    identifier: string;
    /** «mardi 2 décembre 2025 à 14 h 05» */
    changedAtText: string;
  };
  /** To the resident, once the démarche is submitted. */
  'demarche-receipt': CommonTemplateData & DemarcheSummary & {
    firstName: string;
    lastName: string;
    /** «mardi 2 décembre 2025 à 14 h 05» */
    submittedText: string;
    /** The household member the démarche is for, when it names one. */
    memberName: string | null;
    /** Documents the resident chose to post: the mail says where and how. Empty: nothing to post. */
    paperDocuments: DocumentLabel[];
    /** Where to post them (the commune's postal address, several lines). */
    mairieAddress: string;
    /** The request's page on the portal. */
    requestUrl: string;
  };
  'demarche-new-for-agents': CommonTemplateData & DemarcheSummary & {
    /** «Amélie Lire» */
    residentName: string;
    memberName: string | null;
    submittedText: string;
    /** The request's page in the back office. */
    backOfficeUrl: string;
  };
  'demarche-status-changed': CommonTemplateData & DemarcheSummary & {
    firstName: string;
    status: DemarcheNotifiedStatus;
    /** «En attente de pièces», «Refusé»… */
    statusLabel: string;
    /** What the agent asks for (awaiting documents), the refusal reason, or a note; several lines. */
    message: string | null;
    requestUrl: string;
  };
  /** Documents are still awaited: without them the request is closed without action. */
  'demarche-reminder': CommonTemplateData & DemarcheSummary & {
    firstName: string;
    /** May be empty when the agent asked for information rather than documents. */
    missingDocuments: DocumentLabel[];
    /** «lundi 15 décembre 2025» */
    closeDateText: string;
    requestUrl: string;
  };
  /** To the requester of a civil-status certificate (no account): the number and the tracking link. */
  'civil-status-receipt': CommonTemplateData & CivilStatusSummary & {
    /** «mardi 2 décembre 2025 à 14 h 05» */
    submittedText: string;
    /** Where the certificate will be posted, one item per line. */
    addressLines: string[];
    /** The commune's processing delay, in business days. */
    processingDays: number;
    /** The secret tracking page: whoever has it sees the status (no account needed). */
    trackingUrl: string;
  };
  'civil-status-new-for-agents': CommonTemplateData & CivilStatusSummary & {
    /** «Vous êtes : Son père, sa mère…» as the requester answered. */
    relationLabel: string;
    submittedText: string;
    /** «vendredi 5 décembre 2025 à 23 h 59» */
    deadlineText: string;
    backOfficeUrl: string;
  };
  /** The processing delay is over and no agent decided: sent at the deadline, then every interval. */
  'civil-status-reminder-for-agents': CommonTemplateData & CivilStatusSummary & {
    submittedText: string;
    deadlineText: string;
    /** 0 at the deadline, then 1, 2… */
    reminderNumber: number;
    backOfficeUrl: string;
  };
  /** The card payment went through: the paid invoices, with the PDF receipt attached. */
  'payment-receipt': CommonTemplateData & {
    firstName: string;
    /** Our payment reference (PayFiP «refdet»). */
    reference: string;
    regieName: string;
    paidAtText: string;
    /** «1 234,50 €» */
    totalText: string;
    invoices: Array<{ number: string; service: string; periodLabel: string; amountText: string }>;
    /** «Mes comptes», where the relevé lists them. */
    statementUrl: string;
  };
  /** The certificate was issued and posted, or the request refused (with its reason). */
  'civil-status-decided': CommonTemplateData & CivilStatusSummary & {
    status: 'envoyee' | 'refusee';
    statusLabel: string;
    /** The refusal reason; null when issued. */
    reason: string | null;
    /** Where the certificate was posted, one item per line. */
    addressLines: string[];
    /** «mercredi 3 décembre 2025» */
    decidedText: string;
    /** Where to write to the mairie (the commune's postal address, several lines). */
    mairieAddress: string;
    trackingUrl: string;
  };
}

export interface SmsTemplateData {
  'account-validated': MailTemplateData['account-validated'];
  'account-rejected': MailTemplateData['account-rejected'];
  'demarche-receipt': MailTemplateData['demarche-receipt'];
  'demarche-status-changed': MailTemplateData['demarche-status-changed'];
  'demarche-reminder': MailTemplateData['demarche-reminder'];
}

/** How a civil-status request is named in its mails. */
export interface CivilStatusSummary {
  /** BEA-2026-000124 */
  number: string;
  /** «Jean Martin», as typed by the requester. */
  requesterName: string;
  /** «Acte de naissance» */
  actLabel: string;
  /** «Extrait avec filiation — acte de naissance de Léa Martin, date de naissance : 3 mars 1990 (2 exemplaires)» */
  actDescription: string;
}

/** How a request is named to the resident and to agents. */
export interface DemarcheSummary {
  /** BEA-2026-000123 */
  number: string;
  /** The démarche's title: «Inscription scolaire». */
  demarcheTitle: string;
}

export interface DocumentLabel {
  label: string;
}

/** The statuses a request reaches after submission, each announced to the resident. */
export type DemarcheNotifiedStatus =
  | 'en_attente_de_pieces'
  | 'complet'
  | 'valide'
  | 'refuse'
  | 'classe_sans_suite'
  | 'annule';

export interface AccountSummary {
  accountId: number;
  firstName: string;
  lastName: string;
  identifier: string;
  email: string;
  deadlineText: string;
}

export type MailTemplateName = keyof MailTemplateData;
export type SmsTemplateName = keyof SmsTemplateData;

type Template = Handlebars.TemplateDelegate;

// Compiled from the sources (notify/ next to templates/) and from the build (dist/notify/).
const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

const SUBJECT_LINE = /^\{\{!--\s*subject:\s*(.*?)\s*--\}\}[ \t]*\r?\n/;
const TEMPLATE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function requireString(helper: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const got = value === undefined ? 'une valeur absente' : typeof value;
  throw new Error(`{{${helper}}} attend un texte, reçu ${got}`);
}

/**
 * Shortens free text (a rejection reason, a long name) so an SMS stays within its length. Ends with
 * '...' rather than '…', which is outside the GSM 7-bit alphabet and would make the SMS Unicode.
 */
function truncate(value: unknown, max: unknown): string {
  const text = requireString('truncate', value).replace(/\s+/g, ' ').trim();
  const limit = Number(max);
  const chars = Array.from(text);
  return chars.length <= limit ? text : `${chars.slice(0, limit - 3).join('').trimEnd()}...`;
}

// Two environments: HTML templates get helpers that escape, text templates get plain ones.
const htmlEnv = Handlebars.create();
const textEnv = Handlebars.create();

/**
 * (eq status 'refuse'). Strict mode does not check helper arguments, so a missing field would pick
 * no branch at all: it throws instead, like a missing {{field}}.
 */
function eq(value: unknown, expected: unknown): boolean {
  if (value === undefined) throw new Error('{{eq}} attend une valeur, reçu une valeur absente');
  return value === expected;
}

/** (nonEmpty paperDocuments): a list with at least one item; a missing list throws (see eq). */
function nonEmpty(value: unknown): boolean {
  if (!Array.isArray(value)) {
    const got = value === undefined ? 'une valeur absente' : typeof value;
    throw new Error(`{{nonEmpty}} attend une liste, reçu ${got}`);
  }
  return value.length > 0;
}

for (const env of [htmlEnv, textEnv]) {
  env.registerHelper('truncate', truncate);
  env.registerHelper('eq', eq);
  env.registerHelper('nonEmpty', nonEmpty);
}

// Multi-line user text (an address, a reason): each line escaped, joined with <br>.
htmlEnv.registerHelper('lines', (value: unknown) => {
  const lines = requireString('lines', value).split(/\r?\n/);
  return new htmlEnv.SafeString(lines.map((line) => htmlEnv.escapeExpression(line.trim())).join('<br>'));
});
textEnv.registerHelper('lines', (value: unknown) =>
  requireString('lines', value).replace(/\r\n/g, '\n').trim());

const cache = new Map<string, Template>();

function readTemplate(relative: string): string {
  return fs.readFileSync(path.join(TEMPLATES_DIR, relative), 'utf8');
}

function compiled(key: string, build: () => Template): Template {
  let template = cache.get(key);
  if (!template) {
    template = build();
    cache.set(key, template);
  }
  return template;
}

function checkName(name: string): void {
  // The name becomes a file path: refuse anything that could leave the templates folder.
  if (!TEMPLATE_NAME.test(name)) throw new Error(`Nom de modèle invalide : « ${name} »`);
}

function mailParts(name: string): { subject: Template; html: Template; text: Template } {
  checkName(name);
  const html = compiled(`mail:${name}:html`, () => {
    const source = readTemplate(`mail/${name}.hbs`);
    const subject = SUBJECT_LINE.exec(source);
    if (!subject) throw new Error(`templates/mail/${name}.hbs doit commencer par {{!-- subject: … --}}`);
    cache.set(`mail:${name}:subject`, textEnv.compile(subject[1], { strict: true, noEscape: true }));
    return htmlEnv.compile(source.slice(subject[0].length), { strict: true });
  });
  return {
    subject: cache.get(`mail:${name}:subject`) as Template,
    html,
    text: compiled(`mail:${name}:text`, () =>
      textEnv.compile(readTemplate(`mail/${name}.txt.hbs`), { strict: true, noEscape: true })),
  };
}

const htmlLayout = (): Template =>
  compiled('layout:html', () => htmlEnv.compile(readTemplate('mail/layout.hbs'), { strict: true }));
const textLayout = (): Template =>
  compiled('layout:text', () =>
    textEnv.compile(readTemplate('mail/layout.txt.hbs'), { strict: true, noEscape: true }));

/** A header must be one line: user data with a line break must not split it. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Blank lines left by template blocks are collapsed; the mail keeps its paragraphs. */
function tidyText(text: string): string {
  return `${text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

export function renderMail<N extends MailTemplateName>(name: N, data: MailTemplateData[N]): RenderedMail;
export function renderMail(name: string, data: object): RenderedMail;
export function renderMail(name: string, data: object): RenderedMail {
  const parts = mailParts(name);
  const subject = oneLine(parts.subject(data));
  // The layout receives the rendered body, already escaped by its own template: the layout's
  // {{{content}}} is the only triple-stash and never holds raw user data.
  const html = htmlLayout()({ ...data, subject, content: new htmlEnv.SafeString(parts.html(data)) });
  const text = tidyText(textLayout()({ ...data, subject, content: parts.text(data).trim() }));
  return { subject, html, text };
}

/**
 * Plain text on one line (line breaks become spaces), at most SMS_MAX_LENGTH characters: templates
 * shorten free text with {{truncate}}; an unexpectedly long result is cut rather than not sent.
 */
export function renderSms<N extends SmsTemplateName>(name: N, data: SmsTemplateData[N]): string;
export function renderSms(name: string, data: object): string;
export function renderSms(name: string, data: object): string {
  checkName(name);
  const template = compiled(`sms:${name}`, () =>
    textEnv.compile(readTemplate(`sms/${name}.txt.hbs`), { strict: true, noEscape: true }));
  return truncate(template(data), SMS_MAX_LENGTH);
}
