// «Compte»: the household, «Modifier mon compte», «Modifier mon mot de passe», «Modifier ma
// question/réponse», and the members. Changes wait for the mairie's validation (FAQ).
import { Router, type Request, type Response, type NextFunction } from 'express';
import type { Account, HouseholdMember } from '../../db/entities';
import { PASSWORD_RULES_TEXT } from '../../domain/password-policy';
import { AppError } from '../errors';
import { renewSession } from '../middleware/auth';
import type { PageRenderer } from '../pages';
import { CIVILITES, SECURITY_QUESTIONS } from '../validation/account';
import { onFormError, type PortalServices } from './routes';
import { accountDetailsView, householdView } from '../view-models';

const civilites = CIVILITES.map((c) => ({ value: c, label: c }));
const questions = SECURITY_QUESTIONS.map((q) => ({ value: q, label: q }));

function memberValues(m: HouseholdMember) {
  return {
    membre_type: m.kind,
    membre_civilite: m.civility,
    membre_prenom: m.firstName,
    membre_nom: m.lastName,
    membre_date_naissance: m.birthDate,
    membre_lien: m.relationship ?? '',
  };
}

function contactValues(a: Account) {
  return {
    email: a.email,
    telephone: a.phone ?? '',
    adresse: a.addressLine,
    code_postal: a.postalCode,
    ville: a.city,
    mode_communication: a.communicationChannel,
  };
}

export function accountRoutes(deps: { pages: PageRenderer; services: PortalServices }): Router {
  const { pages, services } = deps;
  const router = Router();

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!req.account) {
      if (req.method === 'GET') return res.redirect(303, '/');
      return next(new AppError(401, 'unauthenticated', 'Vous devez vous connecter pour accéder à cette page.'));
    }
    next();
  });

  /** The lock message when the account cannot be changed yet, or null. */
  function lockOf(account: Account): string | null {
    try {
      services.accounts.assertModifiable(account);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  const base = (req: Request, pageTitle: string) => {
    const lockedMessage = lockOf(req.account as Account);
    return { pageTitle, activeTab: 'compte', locked: Boolean(lockedMessage), lockedMessage };
  };

  router.get('/', async (req, res) => {
    const a = req.account as Account;
    const members = await services.accounts.listMembers(a.id);
    const modifyNotice = lockOf(a);
    res.send(
      pages.render(req, 'resident/compte', {
        pageTitle: 'Mon compte',
        activeTab: 'compte',
        canModify: !modifyNotice,
        modifyNotice,
        account: accountDetailsView(a),
        ...householdView(members, (m) => ({
          editUrl: `/compte/membres/${m.id}/modifier`,
          deleteUrl: `/compte/membres/${m.id}/retirer`,
        })),
      }),
    );
  });

  // «Modifier mon compte»
  router.get('/modifier', (req, res) => {
    res.send(pages.render(req, 'resident/compte-modifier', { ...base(req, 'Modifier mon compte'), values: contactValues(req.account as Account) }));
  });
  router.post('/modifier', async (req, res) => {
    try {
      await services.accounts.updateContact(req.account as Account, req.commune, req.body);
      req.session.flash = { kind: 'success', message: 'Vos coordonnées ont été enregistrées.' };
      res.redirect(303, '/compte');
    } catch (err) {
      onFormError(pages, req, res, 'resident/compte-modifier', base(req, 'Modifier mon compte'))(err);
    }
  });

  // «Modifier mon mot de passe»
  router.get('/mot-de-passe', (req, res) => {
    res.send(pages.render(req, 'resident/mot-de-passe', { ...base(req, 'Modifier mon mot de passe'), passwordRules: PASSWORD_RULES_TEXT }));
  });
  router.post('/mot-de-passe', async (req, res) => {
    try {
      await services.accounts.changePassword(req.account as Account, req.commune, req.body, req.ip ?? '');
      await renewSession(req, 'user');
      req.session.flash = { kind: 'success', message: 'Votre mot de passe a été modifié.' };
      res.redirect(303, '/compte');
    } catch (err) {
      onFormError(pages, req, res, 'resident/mot-de-passe', { ...base(req, 'Modifier mon mot de passe'), passwordRules: PASSWORD_RULES_TEXT })(err);
    }
  });

  // «Modifier ma question/réponse»
  router.get('/question-secrete', (req, res) => {
    res.send(
      pages.render(req, 'resident/question-secrete', {
        ...base(req, 'Modifier ma question/réponse'),
        questions,
        values: { question: (req.account as Account).securityQuestion },
      }),
    );
  });
  router.post('/question-secrete', async (req, res) => {
    try {
      await services.accounts.changeSecurityQuestion(req.account as Account, req.body, req.ip ?? '');
      req.session.flash = { kind: 'success', message: 'Votre question secrète et sa réponse ont été modifiées.' };
      res.redirect(303, '/compte');
    } catch (err) {
      onFormError(pages, req, res, 'resident/question-secrete', { ...base(req, 'Modifier ma question/réponse'), questions })(err);
    }
  });

  // Members of the household
  const memberPage = (req: Request, heading: string, formAction: string) => ({
    ...base(req, heading),
    heading,
    formAction,
    civilites,
  });

  router.get('/membres/ajouter', (req, res) => {
    res.send(pages.render(req, 'resident/membre', { ...memberPage(req, 'Ajouter un membre', '/compte/membres/ajouter'), values: { membre_type: 'enfant' } }));
  });
  router.post('/membres/ajouter', async (req, res) => {
    try {
      const member = await services.accounts.addMember(req.account as Account, req.body);
      req.session.flash = { kind: 'success', message: `${member.firstName} ${member.lastName} a été ajouté(e) à votre foyer.` };
      res.redirect(303, '/compte');
    } catch (err) {
      onFormError(pages, req, res, 'resident/membre', memberPage(req, 'Ajouter un membre', '/compte/membres/ajouter'))(err);
    }
  });

  router.get('/membres/:id/modifier', async (req, res) => {
    const member = await services.accounts.getMember(req.account as Account, Number(req.params.id));
    const action = `/compte/membres/${member.id}/modifier`;
    res.send(pages.render(req, 'resident/membre', { ...memberPage(req, 'Modifier un membre', action), values: memberValues(member) }));
  });
  router.post('/membres/:id/modifier', async (req, res) => {
    const action = `/compte/membres/${encodeURIComponent(req.params.id)}/modifier`;
    try {
      await services.accounts.updateMember(req.account as Account, Number(req.params.id), req.body);
      req.session.flash = { kind: 'success', message: 'Le membre a été modifié.' };
      res.redirect(303, '/compte');
    } catch (err) {
      onFormError(pages, req, res, 'resident/membre', memberPage(req, 'Modifier un membre', action))(err);
    }
  });

  router.get('/membres/:id/retirer', async (req, res) => {
    const member = await services.accounts.getMember(req.account as Account, Number(req.params.id));
    res.send(
      pages.render(req, 'resident/membre-supprimer', {
        ...base(req, 'Retirer un membre'),
        formAction: `/compte/membres/${member.id}/retirer`,
        member: { prenom: member.firstName, nom: member.lastName },
      }),
    );
  });
  router.post('/membres/:id/retirer', async (req, res) => {
    await services.accounts.removeMember(req.account as Account, Number(req.params.id));
    req.session.flash = { kind: 'success', message: 'Le membre a été retiré de votre foyer.' };
    res.redirect(303, '/compte');
  });

  return router;
}
