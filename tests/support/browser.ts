// Headless Chromium (Debian's, driven by playwright-core) and the axe-core check every page must pass.
import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

/** WCAG 2.1 A and AA: what RGAA 4 maps onto. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One readable block per violation: rule, impact, help link, then each offending node. */
export function formatViolations(label: string, violations: Result[]): string {
  const lines = [`${label} : ${violations.length} violation(s) axe-core`];
  for (const v of violations) {
    lines.push(`- [${v.impact ?? 'inconnu'}] ${v.id} : ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    ${node.target.join(' ')}`);
      lines.push(`      ${node.html.slice(0, 200)}`);
      if (node.failureSummary) lines.push(`      ${node.failureSummary.replace(/\n/g, '\n      ')}`);
    }
  }
  return lines.join('\n');
}

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on the page and throws, with every offending node listed, when a
 * violation is serious or critical. Returns all violations, minor and moderate ones included, for callers
 * that want to report them.
 */
export async function checkA11y(page: Page, label: string): Promise<Result[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const blocking = results.violations.filter((v) => BLOCKING_IMPACTS.has(v.impact ?? ''));
  if (blocking.length > 0) throw new Error(formatViolations(label, blocking));
  return results.violations;
}
