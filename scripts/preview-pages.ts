// Renders every portal page with realistic sample data (forms with and without errors, names holding
// «<script>» to show the escaping) into static files, to look at them without a database or Temporal:
//   npx tsx scripts/preview-pages.ts [output folder]   (default tests/.artifacts/preview)
// then open tests/.artifacts/preview/index.html in a browser.
import fs from 'node:fs';
import path from 'node:path';
import { renderCaptchaWav } from '../api/captcha/audio';
import { renderCaptchaSvg } from '../api/captcha/image';
import { createViews } from '../api/views';
import { CAPTCHA_SAMPLE_CODE, CAPTCHA_SAMPLE_ID, pageSamples } from '../tests/support/page-samples';

const ROOT = path.join(__dirname, '..');

/** Absolute URLs of the running app become relative ones, so the files open straight from disk. */
function relativeUrls(html: string): string {
  return html
    .replace('href="/static/styles.css"', 'href="styles.css"')
    .replaceAll('"/captcha/', '"captcha/');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function writePreview(outDir: string): string[] {
  const views = createViews({ cache: true });
  fs.mkdirSync(path.join(outDir, 'captcha'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'api', 'public', 'styles.css'), path.join(outDir, 'styles.css'));
  fs.writeFileSync(path.join(outDir, 'captcha', `${CAPTCHA_SAMPLE_ID}.svg`), renderCaptchaSvg(CAPTCHA_SAMPLE_CODE));
  fs.writeFileSync(path.join(outDir, 'captcha', `${CAPTCHA_SAMPLE_ID}.wav`), renderCaptchaWav(CAPTCHA_SAMPLE_CODE));

  const written: string[] = [];
  const links: string[] = [];
  for (const sample of pageSamples()) {
    const file = `${sample.name}.html`;
    fs.writeFileSync(path.join(outDir, file), relativeUrls(views.render(sample.page, sample.context)));
    written.push(path.join(outDir, file));
    links.push(`<li><a href="${file}">${escapeHtml(sample.name)}</a> <small>(${escapeHtml(sample.page)})</small></li>`);
  }
  const index = [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8"><title>Aperçu des pages — Portail citoyen</title>',
    '<link rel="stylesheet" href="styles.css"></head>',
    '<body><main class="main"><div class="container"><h1>Aperçu des pages du portail citoyen</h1>',
    `<p>${links.length} pages rendues avec des données d'exemple.</p><ul class="list">`,
    ...links,
    '</ul></div></main></body></html>',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'index.html'), index);
  written.push(path.join(outDir, 'index.html'));
  return written;
}

if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'tests', '.artifacts', 'preview'));
  const written = writePreview(outDir);
  console.log(`${written.length} fichiers écrits dans ${outDir} : ouvrez index.html.`);
}
