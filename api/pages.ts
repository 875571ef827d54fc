// Renders a page with what every page needs: the commune, the user, the CSRF token, the flash.
import type { Request } from 'express';
import { csrfToken } from './middleware/csrf';
import type { FieldErrors } from './errors';

export interface PageRenderer {
  render(req: Request, page: string, context: Record<string, unknown>): string;
}

export function createPageRenderer(views: { render(page: string, context: object): string }, devMailbox: boolean): PageRenderer {
  return {
    render(req, page, context) {
      const flash = req.session?.flash;
      if (flash) delete req.session.flash;
      const user = req.account
        ? {
            kind: 'resident',
            firstName: req.account.firstName,
            lastName: req.account.lastName,
            identifier: req.account.identifier,
            status: req.account.status,
          }
        : req.agent
          ? { kind: 'agent', displayName: req.agent.displayName, role: req.agent.role }
          : undefined;
      return views.render(page, {
        commune: { name: req.commune?.name ?? 'Portail citoyen', slug: req.commune?.slug },
        csrfToken: req.session ? csrfToken(req) : '',
        user,
        flash,
        devMailbox,
        values: {},
        errors: {},
        errorList: [],
        ...context,
      });
    },
  };
}

/** The form context of a failed submission: the values typed, one message per field. */
export function formErrors(values: Record<string, unknown>, fields: FieldErrors) {
  const safeValues = Object.fromEntries(
    Object.entries(values ?? {}).filter(([k]) => !/mot_de_passe|_csrf|reponse|cryptogramme/.test(k)),
  );
  return {
    values: safeValues,
    errors: fields,
    errorList: Object.entries(fields).map(([field, message]) => ({ field: field === '_' ? 'contenu' : field, message })),
  };
}
