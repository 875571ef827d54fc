/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Every portal page, rendered by api/views.ts from realistic view-models, opened in headless Chromium:
// axe-core WCAG 2.1 AA (no serious or critical violation), one h1, French, no script, escaped user data,
// CSRF token in every form, the skip link first in the tab order, and Enter in a field submitting the
// intended action rather than «Précédent» or «Retirer».
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderCaptchaWav } from '../../api/captcha/audio';
import { renderCaptchaSvg } from '../../api/captcha/image';
import { createViews } from '../../api/views';
import { checkA11y, launchBrowser } from '../support/browser';
import { CAPTCHA_SAMPLE_CODE, CAPTCHA_SAMPLE_ID, SCRIPT_SAMPLE, pageSamples, type PageSample } from '../support/page-samples';

jest.setTimeout(60_000);

const STYLES = path.join(__dirname, '..', '..', 'api', 'public', 'styles.css');
// What helmet's defaults allow, minus inline styles: a page needing a script or an inline style shows
// up as a console error.
const CSP = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self'";

const samples = pageSamples();
const views = createViews({ cache: true });
const rendered = new Map(samples.map((s) => [s.name, views.render(s.page, s.context)]));
const captchaSvg = renderCaptchaSvg(CAPTCHA_SAMPLE_CODE);
const captchaWav = renderCaptchaWav(CAPTCHA_SAMPLE_CODE, { seed: 'pages-a11y' });

let server: http.Server;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST') {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('reçu');
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/static/styles.css') {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' }).end(fs.readFileSync(STYLES));
      return;
    }
    if (url.pathname === `/captcha/${CAPTCHA_SAMPLE_ID}.svg`) {
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(captchaSvg);
      return;
    }
    if (url.pathname === `/captcha/${CAPTCHA_SAMPLE_ID}.wav`) {
      res.writeHead(200, { 'Content-Type': 'audio/wav' }).end(captchaWav);
      return;
    }
    const html = rendered.get(url.pathname.replace(/^\/pages\//, ''));
    if (url.pathname.startsWith('/pages/') && html !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP }).end(html);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('introuvable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  context = await browser.newContext({ locale: 'fr-FR' });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** Opens a sample; console errors (a CSP refusal, a missing file) and dialogs are collected. */
async function open(sample: PageSample): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console : ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`erreur de page : ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`boîte de dialogue : ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(`${baseUrl}/pages/${sample.name}`, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  return { page, problems };
}

function sample(name: string): PageSample {
  const found = samples.find((s) => s.name === name);
  if (!found) throw new Error(`Exemple de page inconnu : ${name}`);
  return found;
}

/** The element that has the keyboard focus: its id, class, text and position. */
function focused(page: Page): Promise<{ id: string; className: string; text: string; top: number }> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      id: el?.id ?? '',
      className: el?.className ?? '',
      text: (el?.textContent ?? '').trim(),
      top: el?.getBoundingClientRect().top ?? -1,
    };
  });
}

const hasErrors = (s: PageSample) => Array.isArray(s.context.errorList) && s.context.errorList.length > 0;

describe('every page', () => {
  test('covers every template of the contract', () => {
    const templates = new Set(samples.map((s) => s.page));
    for (const name of [
      'home',
      'signup/tab',
      'signup/done',
      'resident/accueil',
      'resident/compte',
      'resident/compte-modifier',
      'resident/mot-de-passe',
      'resident/question-secrete',
      'resident/membre',
      'resident/membre-supprimer',
      'reset/identifiant',
      'reset/question',
      'reset/envoye',
      'reset/nouveau',
      'reset/termine',
      'reset/lien-invalide',
      'agent/connexion',
      'agent/comptes',
      'agent/compte',
      'dev/boite-mail',
      'error',
    ]) {
      expect(templates).toContain(name);
    }
    const tabs = new Set(samples.filter((s) => s.page === 'signup/tab').map((s) => s.context.tab));
    expect([...tabs].sort()).toEqual(['coordonnees', 'foyer', 'identite', 'securite', 'validation']);
  });

  test.each(samples.map((s) => [s.name, s] as const))('%s: accessible, French, script-free', async (_name, s) => {
    const { page, problems } = await open(s);
    try {
      await checkA11y(page, s.name);

      expect(await page.getAttribute('html', 'lang')).toBe('fr');
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.title()).toBe(`${String(s.context.pageTitle)} — Beaucouzé — Portail citoyen`);
      expect(await page.locator('script').count()).toBe(0);
      expect(await page.locator('[style]').count()).toBe(0);

      const structure = await page.evaluate(() => {
        const byId = (id: string) => document.getElementById(id);
        const ids = (el: Element | null) => (el?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
        return {
          postForms: [...document.querySelectorAll('form')]
            .filter((f) => f.method === 'post')
            .map((f) => f.querySelector<HTMLInputElement>('input[type=hidden][name=_csrf]')?.value ?? null),
          brokenDescriptions: [...document.querySelectorAll('[aria-describedby]')].flatMap((el) =>
            ids(el).filter((id) => byId(id) === null),
          ),
          summaryTargets: [...document.querySelectorAll<HTMLAnchorElement>('.error-summary a')].map((a) => ({
            id: a.hash.slice(1),
            isField: ['INPUT', 'SELECT', 'TEXTAREA'].includes(byId(a.hash.slice(1))?.tagName ?? ''),
          })),
          invalidWithoutError: [...document.querySelectorAll('[aria-invalid=true]')]
            .filter((el) => {
              const all = [...ids(el), ...ids(el.closest('fieldset[aria-describedby]'))];
              return !all.some((id) => (byId(id)?.textContent ?? '').includes('Erreur : '));
            })
            .map((el) => el.id),
          current: [...document.querySelectorAll('[aria-current]')].map((el) => (el.textContent ?? '').trim()),
        };
      });
      expect(structure.postForms).toEqual(structure.postForms.map(() => 'jeton-csrf-de-demonstration'));
      expect(structure.brokenDescriptions).toEqual([]);
      expect(structure.invalidWithoutError).toEqual([]);
      const errorList = (s.context.errorList as { field: string }[] | undefined) ?? [];
      expect(structure.summaryTargets).toEqual(errorList.map((e) => ({ id: e.field, isField: true })));

      const activeTab = s.context.activeTab;
      if (activeTab === 'accueil') expect(structure.current).toEqual(['Accueil']);
      if (activeTab === 'compte') expect(structure.current).toEqual(['Compte']);
      if (s.page === 'agent/comptes') expect(structure.current).toEqual(['Comptes à valider']);

      if (s.showsScriptSample) {
        // Shown as typed, as text or in a field: never turned into an element.
        const shown = await page.evaluate(
          (text) =>
            document.body.innerText.includes(text) ||
            [...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')].some((f) =>
              f.value.includes(text),
            ),
          SCRIPT_SAMPLE,
        );
        expect(shown).toBe(true);
        expect(rendered.get(s.name)).not.toContain(SCRIPT_SAMPLE);
        expect(rendered.get(s.name)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      }

      if (hasErrors(s)) {
        // The summary takes the focus on load (autofocus, no script), so it is read out first.
        expect(await focused(page)).toEqual(expect.objectContaining({ className: 'error-summary' }));
      } else {
        await page.keyboard.press('Tab');
        const first = await focused(page);
        expect(first.text).toBe('Aller au contenu');
        expect(first.top).toBeGreaterThanOrEqual(0); // shown on focus, not left off-screen
        await page.keyboard.press('Enter');
        expect((await focused(page)).id).toBe('contenu');
      }

      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('createViews', () => {
  function tempTemplates(page: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vues-'));
    fs.mkdirSync(path.join(dir, 'partials'));
    fs.writeFileSync(path.join(dir, 'layout.hbs'), '<main>{{{body}}}</main>');
    fs.writeFileSync(path.join(dir, 'partials', 'salut.hbs'), 'Bonjour {{nom}}');
    fs.writeFileSync(path.join(dir, 'page.hbs'), page);
    return dir;
  }

  test('wraps the page in the layout, escapes values, registers partials and helpers', () => {
    const dir = tempTemplates('{{> salut}} {{#if (eq n 2)}}deux{{/if}} {{checked a "x"}}');
    const html = createViews({ templatesDir: dir }).render('page', { nom: '<b>Zoé</b>', n: '2', a: 'x' });
    expect(html).toBe('<main>Bonjour &lt;b&gt;Zoé&lt;/b&gt; deux checked</main>');
  });

  test('re-reads templates unless cached', () => {
    const dir = tempTemplates('v1');
    const cached = createViews({ templatesDir: dir, cache: true });
    const fresh = createViews({ templatesDir: dir, cache: false });
    expect(cached.render('page', {})).toBe('<main>v1</main>');
    fs.writeFileSync(path.join(dir, 'page.hbs'), 'v2');
    expect(cached.render('page', {})).toBe('<main>v1</main>');
    expect(fresh.render('page', {})).toBe('<main>v2</main>');
  });

  test('refuses names outside the pages', () => {
    expect(() => views.render('../layout', {})).toThrow('Nom de page invalide');
    expect(() => views.render('partials/field', {})).toThrow('Nom de page invalide');
    expect(() => views.render('layout', {})).toThrow('Nom de page invalide');
  });
});

describe('the axe-core check itself', () => {
  test('fails on an unlabelled field and a low-contrast text, naming them', async () => {
    const page = await context.newPage();
    try {
      await page.setContent(
        '<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main><h1>Essai</h1>' +
          '<p style="color:#bbbbbb">Texte trop pâle</p><input id="x" name="x"></main></body></html>',
      );
      const failure = await checkA11y(page, 'page fautive').then(
        () => null,
        (error: unknown) => String(error),
      );
      expect(failure).toContain('page fautive');
      expect(failure).toContain('color-contrast');
      expect(failure).toContain('label');
      expect(failure).toContain('#x');
    } finally {
      await page.close();
    }
  });
});

describe('keyboard submission of the sign-up tabs', () => {
  /**
   * Runs a user action that submits the form; returns the fields the browser posted. Waits for the
   * answer page before leaving: closing a page in mid-navigation can hang Chromium's page close.
   */
  async function posted(page: Page, act: () => Promise<void>): Promise<URLSearchParams> {
    const [request] = await Promise.all([page.waitForRequest((r) => r.method() === 'POST'), act()]);
    const target = new URL(request.url()).pathname;
    await page.waitForURL((url) => url.pathname === target);
    return new URLSearchParams(request.postData() ?? '');
  }

  /** Presses Enter in a field and returns the fields the browser posts. */
  async function enterIn(sampleName: string, selector: string, text: string): Promise<URLSearchParams> {
    const { page } = await open(sample(sampleName));
    try {
      await page.fill(selector, text);
      return await posted(page, () => page.press(selector, 'Enter'));
    } finally {
      await page.close();
    }
  }

  test('Enter on «Coordonnées» goes forward, not back', async () => {
    const sent = await enterIn('signup-coordonnees', '#ville', 'Beaucouzé');
    expect(sent.getAll('action')).toEqual(['suivant']);
    expect(sent.get('ville')).toBe('Beaucouzé');
    expect(sent.get('_csrf')).toBe('jeton-csrf-de-demonstration');
  });

  test('Enter in the member fields adds the member and removes nobody', async () => {
    const sent = await enterIn('signup-foyer', '#membre_prenom', 'Léon');
    expect(sent.getAll('action')).toEqual(['ajouter_membre']);
    expect(sent.has('retirer')).toBe(false);
    expect(sent.get('membre_prenom')).toBe('Léon');
  });

  test('Enter in the cryptogramme sends the form', async () => {
    const sent = await enterIn('signup-validation', '#cryptogramme', 'af2hj');
    expect(sent.getAll('action')).toEqual(['envoyer']);
    expect(sent.get('captcha_id')).toBe(CAPTCHA_SAMPLE_ID);
    expect(sent.get('cryptogramme')).toBe('af2hj');
  });

  test('«Retirer» posts the member index and no action', async () => {
    const { page } = await open(sample('signup-foyer'));
    try {
      const sent = await posted(page, () => page.getByRole('button', { name: 'Retirer Paul Lire' }).click());
      expect(sent.get('retirer')).toBe('0');
      expect(sent.has('action')).toBe(false);
    } finally {
      await page.close();
    }
  });

  test('the captcha image and its audio version load', async () => {
    const { page, problems } = await open(sample('signup-validation'));
    try {
      const img = page.locator('img.captcha__image');
      expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
      const audioSrc = await page.locator('audio').getAttribute('src');
      const audio = await page.request.get(`${baseUrl}${audioSrc ?? ''}`);
      expect(audio.headers()['content-type']).toBe('audio/wav');
      expect(await page.getByRole('link', { name: 'Écouter le cryptogramme (fichier audio)' }).getAttribute('href')).toBe(audioSrc);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
