// The OpenAPI description must say what the router does: same operations, bodies that match the
// Joi schemas, views that match the handlers' output, and every error in the error schema.
import 'reflect-metadata';
import type Joi from 'joi';
import type { Config } from '../../config';
import { Account, HouseholdMember, Invoice, Payment, Regie } from '../../db/entities';
import {
  AccountLockedError,
  AppError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ThrottledError,
  UnauthenticatedError,
  ValidationError,
} from '../../api/errors';
import { ResetLinkInvalidError } from '../../api/services/password-reset.service';
import {
  contactSchema,
  identitySchema,
  loginSchema,
  memberSchema,
  passwordChangeSchema,
  rejectionSchema,
  securityQuestionChangeSchema,
  securitySchema,
} from '../../api/validation/account';
import { openApiDocument } from '../../api/v1/openapi';
import { accountView, apiV1Routes, memberView, pendingAccountView, type ApiV1Deps } from '../../api/v1/routes';
import {
  basketView,
  invoiceView,
  PAYMENT_NOTIFICATION_PATH,
  paymentNotificationRoutes,
  paymentView,
} from '../../api/v1/payments';
import type { PaymentsService } from '../../api/services/payments.service';

type Json = Record<string, unknown>;

interface Operation {
  operationId: string;
  summary: string;
  description: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ $ref: string }>;
  requestBody?: {
    content: {
      'application/json'?: { schema: Json };
      'multipart/form-data'?: { schema: Json };
      'application/x-www-form-urlencoded'?: { schema: Json };
    };
  };
  responses: Record<string, Json>;
}

interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }>;
    parameters: Record<string, { name: string; in: string }>;
  };
}

const doc = openApiDocument as Document;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.includes(method))
    .map(([method, op]) => ({ path, method, op })),
);

/**
 * The server callbacks of the payment providers: no session, no CSRF token (api/app.ts lets them
 * through); their body only names a payment to look at again, and they always answer 200.
 */
const PROVIDER_CALLBACKS = ['POST /paiements/notification'];

/**
 * The routes served under /api/v1, read from Express's own stack: `GET /me/members/{memberId}`…
 * The providers' callback is a router of its own, mounted by api/app.ts before apiV1Routes.
 */
function routerOperations(): string[] {
  // Building the routers only captures the services; no handler runs here.
  const routers = [
    apiV1Routes({ config: {} as Config, services: {} as ApiV1Deps['services'] }),
    paymentNotificationRoutes({ payments: {} as PaymentsService }),
  ];
  const found = new Set<string>();
  for (const layer of routers.flatMap((r) => r.stack)) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const handler of layer.route.stack) found.add(`${handler.method.toUpperCase()} ${path}`);
  }
  return [...found].sort();
}

function schema(name: string): { properties: Json; required?: string[] } {
  const s = doc.components.schemas[name] as { properties?: Json; required?: string[] };
  if (!s?.properties) throw new Error(`Schéma ${name} absent ou sans propriétés`);
  return { properties: s.properties, required: s.required };
}

function joiKeys(joiSchema: Joi.ObjectSchema): { all: string[]; required: string[] } {
  const keys = (joiSchema.describe().keys ?? {}) as Record<string, { flags?: { presence?: string } }>;
  return {
    all: Object.keys(keys).sort(),
    required: Object.entries(keys).filter(([, d]) => d.flags?.presence === 'required').map(([k]) => k).sort(),
  };
}

function allRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => allRefs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else allRefs(v, out);
    }
  }
  return out;
}

const SECRET_KEYS = /hash|password|mot_de_passe|token|secret|answer|reponse/i;

function sampleAccount(): Account {
  return Object.assign(new Account(), {
    id: 7, communeId: 1, identifier: 'amélie.lire', civility: 'Madame', firstName: 'Amélie', lastName: 'Lire',
    birthDate: '1985-03-14', email: 'amelie.lire@example.fr', phone: '+33612345678', addressLine: '3 rue de la Mairie',
    postalCode: '49070', city: 'Beaucouzé', communicationChannel: 'sms', passwordHash: '$argon2id$SECRET-PASSWORD-HASH',
    securityQuestion: 'Quel est le nom de votre premier animal de compagnie ?', securityAnswerHash: '$argon2id$SECRET-ANSWER-HASH',
    status: 'pending', rejectionReason: null, validationDeadline: new Date('2026-03-05T10:00:00Z'), decidedAt: null,
    decidedByAgentId: null, createdAt: new Date('2026-03-03T10:00:00Z'), version: 1,
  } satisfies Partial<Account>);
}

describe('OpenAPI description', () => {
  it('is OpenAPI 3.0.3', () => {
    expect(doc.openapi).toBe('3.0.3');
  });

  it('has every operation of the API, each once', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'getSession', 'login', 'logout', 'getCaptcha', 'createAccount', 'getMe', 'updateMe', 'changePassword',
        'changeSecurityQuestion', 'listMembers', 'addMember', 'updateMember', 'removeMember', 'startPasswordReset',
        'answerSecurityQuestion', 'resetPassword', 'agentLogin', 'listPendingAccounts', 'validateAccount', 'rejectAccount',
        'getOpenApiDocument',
        'listServices', 'getService', 'listRequests', 'getRequest', 'cancelRequest', 'answerRequest',
        'listRequestsForAgent', 'recordPaperDocument', 'requestDocuments', 'markRequestComplete', 'validateRequest',
        'refuseRequest', 'saveDraft', 'submitRequest', 'uploadDocument',
        'submitCivilStatusRequest', 'trackCivilStatusRequest', 'listCivilStatusRequests', 'issueCivilStatusCertificate',
        'refuseCivilStatusRequest', 'importInvoices',
        'listInvoices', 'getBasket', 'addToBasket', 'removeFromBasket', 'checkoutBasket', 'getPayment', 'paymentNotification',
      ]),
    );
  });

  it('describes exactly the routes of the router, and the router serves exactly the described paths', () => {
    const described = operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    const routed = routerOperations();
    expect(routed.length).toBeGreaterThan(15);
    expect(described).toEqual(routed);
  });

  it('resolves every $ref', () => {
    for (const ref of allRefs(doc)) {
      const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(ref) ?? [];
      const target = (doc.components as unknown as Record<string, Record<string, unknown>>)[section]?.[name];
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });

  it.each(operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const))(
    '%s: summary, description, success and error responses',
    (_label, { path, method, op }) => {
      expect(op.summary.length).toBeGreaterThan(5);
      expect(op.description.length).toBeGreaterThan(10);
      const codes = Object.keys(op.responses);
      expect(codes.some((c) => /^2\d\d$/.test(c))).toBe(true);
      expect(codes).toContain('500');
      for (const code of codes.filter((c) => /^[45]\d\d$/.test(c))) {
        const ref = op.responses[code].$ref as string;
        expect(ref).toMatch(/^#\/components\/responses\//);
        const response = doc.components.responses[ref.split('/').pop() as string];
        expect(response.content['application/json'].schema.$ref).toBe('#/components/schemas/Erreur');
      }
      const callback = PROVIDER_CALLBACKS.includes(`${method.toUpperCase()} ${path}`);
      if (callback) {
        // A provider's server: neither session nor CSRF token, a form body it reads one field of,
        // and the same 200 «OK» whatever it sent. The app lets exactly this path through unchecked.
        expect(`/api/v1${path}`).toBe(PAYMENT_NOTIFICATION_PATH);
        expect(op.security).toEqual([]);
        expect([...codes].sort()).toEqual(['200', '500']);
        expect(op.description).toMatch(/jamais cru/);
      } else if (method !== 'get') {
        // The CSRF check runs on every method but GET, so each such operation says so.
        // A browser's call carries the CSRF token; the billing software's, its régie's API key.
        const byApiKey = op.security.some((s) => 'cleApiRegie' in s);
        expect(byApiKey || op.security.some((s) => 'jetonCsrf' in s)).toBe(true);
        expect(codes).toContain('403');
        if (byApiKey) expect(codes).toContain('401');
      }
      const declared = (op.parameters ?? []).map((p) => doc.components.parameters[p.$ref.split('/').pop() as string]);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(declared.filter((p) => p.in === 'path').map((p) => p.name).sort()).toEqual(templated.sort());
      if (op.requestBody && callback) {
        expect(op.requestBody.content['application/x-www-form-urlencoded']?.schema.$ref).toMatch(/^#\/components\/schemas\//);
      } else if (op.requestBody) {
        expect(op.requestBody.content['application/json']?.schema.$ref).toMatch(/^#\/components\/schemas\//);
        const multipart = op.requestBody.content['multipart/form-data'];
        if (multipart) expect(multipart.schema.$ref).toMatch(/^#\/components\/schemas\//);
        expect(codes).toContain('422');
      }
    },
  );

  it.each([
    ['Identite', identitySchema],
    ['Coordonnees', contactSchema],
    ['MembreSaisie', memberSchema],
    ['Securite', securitySchema],
    ['Identifiants', loginSchema],
    ['ChangementMotDePasse', passwordChangeSchema],
    ['ChangementQuestionSecrete', securityQuestionChangeSchema],
    ['Rejet', rejectionSchema],
  ] as const)('request body %s has the fields and required fields of its Joi schema', (name, joiSchema) => {
    const { properties, required } = schema(name);
    const expected = joiKeys(joiSchema);
    expect(Object.keys(properties).sort()).toEqual(expected.all);
    expect([...(required ?? [])].sort()).toEqual(expected.required);
  });

  it('describes every error code the services raise', () => {
    const codes = (schema('Erreur').properties.error as { properties: { code: { enum: string[] } } }).properties.code.enum;
    const raised: AppError[] = [
      new ValidationError({}), new UnauthenticatedError(), new ForbiddenError(), new NotFoundError(), new ConflictError('x'),
      new ThrottledError('x', 60), new AccountLockedError('x'), new ResetLinkInvalidError(),
      new AppError(403, 'csrf', 'x'),
    ];
    for (const err of raised) expect(codes).toContain(err.code);
  });
});

describe('views and their schemas', () => {
  it('the account view has exactly the Compte fields, and no secret', () => {
    const view = accountView(sampleAccount());
    const { properties, required } = schema('Compte');
    expect(Object.keys(view).sort()).toEqual(Object.keys(properties).sort());
    expect([...(required ?? [])].sort()).toEqual(Object.keys(properties).sort());
    expect(JSON.stringify(view)).not.toMatch(/SECRET|argon2/);
    expect(view).toMatchObject({ statut: 'pending', telephone: '+33612345678', validationDeadline: '2026-03-05T10:00:00.000Z' });
  });

  it('the member view has exactly the Membre fields', () => {
    const member = Object.assign(new HouseholdMember(), {
      id: 3, accountId: 7, kind: 'enfant', civility: 'Madame', firstName: 'Zoé', lastName: 'Lire', birthDate: '2016-09-01',
      relationship: null, createdAt: new Date(),
    } satisfies Partial<HouseholdMember>);
    const view = memberView(member);
    expect(Object.keys(view).sort()).toEqual(Object.keys(schema('Membre').properties).sort());
    expect(view).toEqual({
      id: 3, membre_type: 'enfant', membre_civilite: 'Madame', membre_prenom: 'Zoé', membre_nom: 'Lire',
      membre_date_naissance: '2016-09-01', membre_lien: null,
    });
  });

  it('the pending-account view has exactly the CompteAValider fields, and no secret', () => {
    const view = pendingAccountView({ account: sampleAccount(), overdue: true });
    expect(Object.keys(view).sort()).toEqual(Object.keys(schema('CompteAValider').properties).sort());
    expect(JSON.stringify(view)).not.toMatch(/SECRET|argon2/);
  });

  it('the invoice, basket and payment views have exactly the Facture, Panier and Paiement fields', () => {
    const regie = Object.assign(new Regie(), { id: 2, communeId: 1, code: 'ville', name: 'Ville' } satisfies Partial<Regie>);
    const invoice = Object.assign(new Invoice(), {
      id: 11, communeId: 1, regieId: 2, accountId: 7, number: 'F-0001', service: 'Restauration scolaire', periodLabel: 'Octobre 2026',
      issuedOn: '2026-11-02', dueOn: null, amountCents: 123456, status: 'a_payer', paymentId: 5, paidAt: null, importedAt: new Date(),
    } satisfies Partial<Invoice>);
    const payment = Object.assign(new Payment(), {
      id: 5, communeId: 1, accountId: 7, regieId: 2, reference: 'BEAP7K2M9QX4ZT', provider: 'sandbox', providerRef: 'x',
      redirectUrl: 'https://paiement.example/x', amountCents: 123456, status: 'en_cours', email: 'amelie.lire@example.fr',
      resultCode: null, authorisation: 'A1', createdAt: new Date('2026-11-03T10:00:00Z'), decidedAt: null, version: 1,
    } satisfies Partial<Payment>);
    const invoiceOut = invoiceView(invoice, regie, true);
    expect(Object.keys(invoiceOut).sort()).toEqual(Object.keys(schema('Facture').properties).sort());
    expect(invoiceOut).toMatchObject({ amountCents: 123456, amountText: '1\u00a0234,56\u00a0€', inBasket: true, inPayment: true, regie: { code: 'ville', name: 'Ville' } });
    const paymentOut = paymentView(payment);
    expect(Object.keys(paymentOut).sort()).toEqual(Object.keys(schema('Paiement').properties).sort());
    // No provider's id nor authorisation number: the reference is the household's only handle.
    expect(JSON.stringify(paymentOut)).not.toMatch(/"x"|A1/);
    expect(paymentView({ ...payment, status: 'payee' } as Payment).redirectUrl).toBeNull();
    const basketOut = basketView({ regie, invoices: [invoice], totalCents: 123456, payment });
    expect(Object.keys(basketOut).sort()).toEqual(Object.keys(schema('Panier').properties).sort());
    expect(basketView({ regie: null, invoices: [], totalCents: 0, payment: null })).toEqual({
      regie: null, invoices: [], totalCents: 0, totalText: '0,00\u00a0€', payment: null,
    });
  });

  it('no response schema exposes a password, an answer, a hash or a reset token', () => {
    for (const name of ['Compte', 'Membre', 'CompteAValider', 'UtilisateurResident', 'UtilisateurAgent', 'InscriptionEnregistree', 'Facture', 'Panier', 'Paiement', 'PaiementLance']) {
      expect(Object.keys(schema(name).properties).filter((k) => SECRET_KEYS.test(k))).toEqual([]);
    }
  });
});
