export * from './commune';
export * from './agent';
export * from './account';
export * from './member';
export * from './account-history';
export * from './notification';
export * from './password-reset';
export * from './captcha';
export * from './demarche-request';
export * from './request-history';
export * from './request-document';
export * from './demarche-draft';
export * from './civil-status-request';
export * from './civil-status-history';
export * from './regie';
export * from './invoice';
export * from './basket';
export * from './payment';
export * from './sandbox-payment';

import { Commune } from './commune';
import { Agent } from './agent';
import { Account } from './account';
import { HouseholdMember } from './member';
import { AccountHistory } from './account-history';
import { Notification } from './notification';
import { PasswordReset } from './password-reset';
import { CaptchaChallenge } from './captcha';
import { DemarcheRequest } from './demarche-request';
import { RequestHistory } from './request-history';
import { RequestDocument } from './request-document';
import { DemarcheDraft } from './demarche-draft';
import { CivilStatusRequest } from './civil-status-request';
import { CivilStatusHistory } from './civil-status-history';
import { Regie } from './regie';
import { Invoice } from './invoice';
import { Basket, BasketItem } from './basket';
import { Payment, PaymentInvoice } from './payment';
import { SandboxPayment } from './sandbox-payment';

export const ENTITIES = [Commune, Agent, Account, HouseholdMember, AccountHistory, Notification, PasswordReset, CaptchaChallenge,
  DemarcheRequest, RequestHistory, RequestDocument, DemarcheDraft, CivilStatusRequest, CivilStatusHistory,
  Regie, Invoice, Basket, BasketItem, Payment, PaymentInvoice, SandboxPayment];
