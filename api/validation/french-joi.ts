// Joi with French messages: every field names itself («Le prénom», «La ville») so that each
// message reads as a sentence next to its field.
import Joi from 'joi';
import { ValidationError, type FieldErrors } from '../errors';

export function frenchMessages(label: string): Record<string, string> {
  return {
    'any.required': `${label} est obligatoire.`,
    'string.empty': `${label} est obligatoire.`,
    'any.invalid': `${label} n'est pas valide.`,
    'string.base': `${label} doit être un texte.`,
    'string.max': `${label} ne doit pas dépasser {#limit} caractères.`,
    'string.min': `${label} doit contenir au moins {#limit} caractères.`,
    'string.email': `${label} n'est pas une adresse électronique valide.`,
    'string.pattern.base': `${label} n'est pas au bon format.`,
    'any.only': `${label} n'est pas une valeur proposée.`,
    'date.base': `${label} n'est pas une date valide.`,
    'number.base': `${label} doit être un nombre.`,
  };
}

/** Validates `input`, returns the converted value or throws ValidationError with one message per field. */
export function validate<T>(schema: Joi.ObjectSchema<T>, input: unknown): T {
  const { value, error } = schema.validate(input ?? {}, { abortEarly: false, stripUnknown: true, convert: true });
  if (!error) return value as T;
  throw new ValidationError(fieldErrors(error));
}

export function fieldErrors(error: Joi.ValidationError): FieldErrors {
  const fields: FieldErrors = {};
  for (const detail of error.details) {
    const field = detail.path.join('.') || '_';
    fields[field] ??= detail.message.replace(/^"[^"]*" /, '');
  }
  return fields;
}
