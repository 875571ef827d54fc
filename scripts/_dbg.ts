import { AxeBuilder } from '@axe-core/playwright';
import fs from 'node:fs';
import { launchBrowser, WCAG_TAGS } from '../tests/support/browser';
import { createViews } from '../api/views';
import { pageSamples } from '../tests/support/page-samples';
(async () => {
  const v = createViews({});
  const css = fs.readFileSync('api/public/styles.css', 'utf8');
  const b = await launchBrowser();
  const p = await (await b.newContext()).newPage();
  for (const s of pageSamples()) {
    const html = v.render(s.page, s.context).replace('<link rel="stylesheet" href="/static/styles.css">', `<style>${css}</style>`);
    await p.setContent(html);
    const r = await new AxeBuilder({ page: p }).withTags([...WCAG_TAGS, 'best-practice']).analyze();
    for (const x of r.violations) console.log(s.name, 'VIOLATION', x.impact, x.id, x.nodes.map(n => n.target.join(' ')).join(' | '));
    for (const x of r.incomplete) console.log(s.name, 'incomplete', x.impact, x.id, x.nodes.length, x.nodes.slice(0,3).map(n => n.target.join(' ') + ' ' + (n.any[0]?.message ?? '')).join(' | '));
  }
  await b.close();
})();
