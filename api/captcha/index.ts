export { CaptchaService, type CaptchaServiceOptions, type CreatedCaptcha } from './captcha.service';
export { captchaRoutes, TEST_ANSWER_HEADER } from './captcha.routes';
export { CAPTCHA_ALPHABET, CAPTCHA_LENGTH } from './alphabet';
