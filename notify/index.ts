// The notification layer: render (templates), send (mailer, sms) and remember (outbox).
export { Outbox, REDACTED_BODY, type DeliveryInput, type DeliveryResult } from './outbox';
export { createMailTransport, messageIdFor, type MailTransport, type OutgoingMail } from './mailer';
export {
  createSmsProvider,
  createBrevoSmsProvider,
  needsUnicode,
  BREVO_SMS_PATH,
  E164,
  INVALID_PHONE_MESSAGE,
  type BrevoSmsOptions,
  type SmsProvider,
  type OutgoingSms,
} from './sms';
export { PermanentDeliveryError, TemporaryDeliveryError, isPermanentDeliveryError } from './errors';
export {
  renderMail,
  renderSms,
  SMS_MAX_LENGTH,
  type RenderedMail,
  type CommonTemplateData,
  type AccountSummary,
  type MailTemplateData,
  type MailTemplateName,
  type SmsTemplateData,
  type SmsTemplateName,
} from './templates';
