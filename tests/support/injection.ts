// What tests/security/injection.test.ts types into the portal's text fields, and how it reads what
// comes back: a page or a mail shows a payload as text (escaped in HTML, literal in plain text),
// never as markup, and a Handlebars expression is shown as typed, not evaluated.
import type { DemarcheDefinition, FieldDefinition } from '../../domain/catalogue';
import { dateBounds } from '../../domain/catalogue';
import type { ReceivedMail } from './smtp-receiver';
import { visibleText } from './journeys';

/** One payload of each kind the issue names. */
export const PAYLOADS = {
  xss: `"><script>alert(1)</script><img src=x onerror=alert(1)>`,
  handlebars: `{{constructor.constructor('alert(1)')()}}`,
  sqlDrop: `'; DROP TABLE account; --`,
  sqlOr: `" OR 1=1 --`,
  unicode: 'Ñoël « test » 😀'.normalize('NFC'),
} as const;
export type PayloadKind = keyof typeof PAYLOADS;

/**
 * Two mixes that fit the shortest free-text field (the town, 80 characters): every free-text field
 * gets the first in one journey and the second in the other, so each field meets every payload.
 */
export const MIXES = {
  'script + Unicode': `${PAYLOADS.xss} ${PAYLOADS.unicode}`,
  'Handlebars + SQL': `${PAYLOADS.handlebars} ${PAYLOADS.sqlDrop} ${PAYLOADS.sqlOr}`,
} as const;
export type MixName = keyof typeof MIXES;

/** Markup the XSS payload would add to a page if it were not escaped. */
const ACTIVE_MARKUP = [/<script>alert\(1\)/i, /<img\s+src=x/i, /\sonerror\s*=\s*alert/i];

/** The HTML carries no markup from the payloads: `&lt;script` is text, `<script>alert(1)` is not. */
export function expectNoActiveMarkup(html: string, where: string): void {
  for (const pattern of ACTIVE_MARKUP) {
    const at = html.search(pattern);
    if (at >= 0) throw new Error(`${where} : balisage injecté non échappé « ${html.slice(Math.max(0, at - 80), at + 80)} »`);
  }
}

/** The page shows `value` as a reader would read it: escaped, then decoded, exactly as typed. */
export function expectShownAsTyped(html: string, value: string, where: string): void {
  expectNoActiveMarkup(html, where);
  const text = visibleText(html);
  if (!text.includes(value)) {
    throw new Error(`${where} : la valeur saisie n'apparaît pas telle quelle.\nAttendu : ${value}\nTexte de la page : ${text.slice(0, 3000)}`);
  }
}

/**
 * A mail that may quote a resident's or an agent's words: its HTML part escaped, its text part
 * literal, one recipient, and a subject on one line (no header smuggled in by a line break).
 */
export function expectMailSafe(mail: ReceivedMail, where: string): void {
  expectNoActiveMarkup(mail.html, `${where} (HTML)`);
  expect(mail.subject).not.toMatch(/[\r\n]/);
  expect(mail.envelopeTo).toHaveLength(1);
  const headerBlock = mail.raw.split(/\r?\n\r?\n/, 1)[0];
  expect(headerBlock).not.toMatch(/^bcc:/im);
  expect(headerBlock.match(/^to:/gim)).toHaveLength(1);
}

/** The mail quotes `value`: as typed in its text part, as text in its HTML part. */
export function expectMailQuotes(mail: ReceivedMail, value: string, where: string): void {
  expectMailSafe(mail, where);
  expect(mail.text).toContain(value);
  expectShownAsTyped(mail.html, value, `${where} (HTML)`);
}

export const FREE_TEXT_TYPES: ReadonlyArray<FieldDefinition['type']> = ['text', 'textarea'];

/** The free-text fields of a démarche (or of a civil-status form), by step. */
export function freeTextFields(def: DemarcheDefinition): Array<{ step: string; field: FieldDefinition }> {
  return def.steps.flatMap((s) => s.fields.filter((f) => FREE_TEXT_TYPES.includes(f.type)).map((field) => ({ step: s.key, field })));
}

/**
 * Valid answers for every step of a démarche, with `text` in every free-text field. A choice that
 * makes another field required («Autre», «Oui», «Associatif») is the one taken, so that the
 * conditional free-text fields are asked and shown too.
 */
export function answersWith(def: DemarcheDefinition, text: string): Record<string, Record<string, unknown>> {
  const all = def.steps.flatMap((s) => s.fields);
  const wanted = (f: FieldDefinition): string | undefined => all.find((o) => o.requiredWhen?.field === f.name)?.requiredWhen?.equals;
  const byStep: Record<string, Record<string, unknown>> = {};
  for (const step of def.steps) {
    const answers: Record<string, unknown> = {};
    for (const f of step.fields) {
      switch (f.type) {
        case 'text':
        case 'textarea':
          answers[f.name] = text;
          break;
        case 'select':
        case 'radio':
          answers[f.name] = wanted(f) ?? f.options?.[0]?.value;
          break;
        case 'checkbox':
          answers[f.name] = f.options ? [f.options[0].value] : 'oui';
          break;
        case 'date':
          answers[f.name] = dateBounds(f).min;
          break;
        case 'number':
          answers[f.name] = typeof f.min === 'number' ? Math.max(1, Math.ceil(f.min)) : 1;
          break;
        case 'tel':
          answers[f.name] = '06 12 34 56 78';
          break;
        case 'email':
          answers[f.name] = 'contact@example.fr';
          break;
      }
    }
    byStep[step.key] = answers;
  }
  return byStep;
}
