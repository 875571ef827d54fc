// Server-rendered pages: handlebars templates under templates/pages, each wrapped in layout.hbs.
// The pages carry no script at all (the CSP forbids inline script and nothing needs one), so
// everything a form does happens through ordinary submissions.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../config';

export interface ViewsOptions {
  /** Defaults to templates/pages at the project root. */
  templatesDir?: string;
  /** Compile every template once and keep it; when false, templates are re-read on each render. */
  cache?: boolean;
}

export interface Views {
  /** `page` is a path under templatesDir without `.hbs`, e.g. 'signup/tab'. */
  render(page: string, context: object): string;
}

export interface SelectOption {
  value: string;
  label: string;
}

const DEFAULT_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates', 'pages');
// preventIndent: a partial called on an indented line would otherwise indent every line of its
// output, values included, which changes what a <textarea> or a <pre> shows.
const COMPILE_OPTIONS: CompileOptions = { preventIndent: true, strict: false };
const PAGE_NAME = /^[a-z0-9-]+(?:\/[a-z0-9-]+)*$/;

export function createViews(opts: ViewsOptions = {}): Views {
  const templatesDir = opts.templatesDir ?? DEFAULT_TEMPLATES_DIR;
  const cache = opts.cache ?? true;
  let loaded: Loaded | undefined;
  const pages = new Map<string, HandlebarsTemplateDelegate>();

  const load = (): Loaded => {
    if (cache && loaded) return loaded;
    const hbs = Handlebars.create();
    registerHelpers(hbs);
    const partialsDir = path.join(templatesDir, 'partials');
    for (const file of fs.readdirSync(partialsDir)) {
      if (!file.endsWith('.hbs')) continue;
      const source = fs.readFileSync(path.join(partialsDir, file), 'utf8');
      hbs.registerPartial(file.slice(0, -'.hbs'.length), hbs.compile(source, COMPILE_OPTIONS));
    }
    const layout = hbs.compile(fs.readFileSync(path.join(templatesDir, 'layout.hbs'), 'utf8'), COMPILE_OPTIONS);
    loaded = { hbs, layout };
    pages.clear();
    return loaded;
  };

  const pageTemplate = (hbs: typeof Handlebars, page: string): HandlebarsTemplateDelegate => {
    const known = cache ? pages.get(page) : undefined;
    if (known) return known;
    if (!PAGE_NAME.test(page) || page === 'layout' || page.startsWith('partials/')) {
      throw new Error(`Nom de page invalide : ${page}`);
    }
    const file = path.join(templatesDir, `${page}.hbs`);
    const template = hbs.compile(fs.readFileSync(file, 'utf8'), COMPILE_OPTIONS);
    if (cache) pages.set(page, template);
    return template;
  };

  return {
    render(page, context) {
      const { hbs, layout } = load();
      const template = pageTemplate(hbs, page);
      // `currentPage` lets the layout mark the agent's tab without each route having to say so.
      const data = { ...context, currentPage: page };
      const body = template(data);
      return layout({ ...data, body });
    },
  };
}

interface Loaded {
  hbs: typeof Handlebars;
  layout: HandlebarsTemplateDelegate;
}

/** Handlebars passes its own options object as the last argument of every helper call. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

function same(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return a === b;
  return String(a) === String(b);
}

function registerHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => same(a, b));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('and', (...list: unknown[]) => args(list).every(Boolean));
  // Returns the first truthy value (or the last one), so `(or value fallback)` works as a default.
  hbs.registerHelper('or', (...list: unknown[]) => {
    const values = args(list);
    return values.find(Boolean) ?? values[values.length - 1];
  });
  hbs.registerHelper('inc', (n: unknown) => Number(n) + 1);
  hbs.registerHelper('checked', (a: unknown, b: unknown) => (same(a, b) ? 'checked' : ''));
  hbs.registerHelper('selected', (a: unknown, b: unknown) => (same(a, b) ? 'selected' : ''));
  /** Option lists written in a template: (options "email" "Par courriel" "sms" "Par SMS"). */
  hbs.registerHelper('options', (...list: unknown[]): SelectOption[] => {
    const pairs = args(list).map(String);
    const result: SelectOption[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) result.push({ value: pairs[i], label: pairs[i + 1] });
    return result;
  });
  /** The ids a field's aria-describedby lists: its hint, then its error, when present. */
  hbs.registerHelper('describedBy', (name: unknown, hint: unknown, error: unknown) =>
    [hint ? `${String(name)}-hint` : '', error ? `${String(name)}-error` : ''].filter(Boolean).join(' '),
  );
  /** The error message of a field, from the page's `errors` object. */
  hbs.registerHelper('fieldError', (errors: unknown, name: unknown) => {
    if (!errors || typeof errors !== 'object') return undefined;
    const value = (errors as Record<string, unknown>)[String(name)];
    return typeof value === 'string' && value !== '' ? value : undefined;
  });
}
