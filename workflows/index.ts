// Every workflow the worker runs. Workflow code is deterministic: no I/O here (lint-enforced).
export { accountValidation } from './account-validation';
export { passwordReset } from './password-reset';
export { passwordChanged } from './password-changed';
export { demarche } from './demarche';
export { civilStatusRequest } from './civil-status';
export { payment } from './payment';
