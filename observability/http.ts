// The api's first middlewares: a request id for every request (echoed in X-Request-Id and kept
// for the Temporal client), its latency in the HTTP histogram by route pattern, and one JSON log
// line when it ends — method, safe path, route, status, duration; never a body or a query string.
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { serializeError, serializeRequest, serializeResponse, type Logger } from './logger';
import { httpRequestDuration, routeLabel } from './metrics';
import { acceptRequestId, REQUEST_ID_HEADER, runWithRequestId } from './request-context';

/** Probes and scrapes, every few seconds from every replica: counted, not logged. */
export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'];

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    (req as { id?: string }).id = id;
    res.setHeader('X-Request-Id', id);
    runWithRequestId(id, next);
  };
}

export function httpMetrics(): RequestHandler {
  return (req, res, next) => {
    const end = httpRequestDuration.startTimer();
    let done = false;
    const observe = (): void => {
      if (done) return;
      done = true;
      end({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) });
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}

export function httpLogger(logger: Logger): RequestHandler {
  const withRoute = (req: Parameters<RequestHandler>[0], object: object): object => ({ ...object, route: routeLabel(req) });
  return pinoHttp({
    logger,
    // The id set by requestId() above; pino-http puts it on every line of the request as requestId.
    genReqId: (req) => String((req as { id?: unknown }).id ?? acceptRequestId(undefined)),
    customAttributeKeys: { reqId: 'requestId' },
    // req.log carries the request id only; the closing line has the request's fields too.
    quietReqLogger: true,
    // Our serializers, not pino's: they drop headers, bodies and query strings.
    wrapSerializers: false,
    serializers: { req: serializeRequest, res: serializeResponse, err: serializeError },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, _res, object) => withRoute(req as Parameters<RequestHandler>[0], object),
    customErrorObject: (req, _res, _err, object) => withRoute(req as Parameters<RequestHandler>[0], object),
    autoLogging: { ignore: (req) => OPS_PATHS.includes((req.url ?? '').split('?', 1)[0]) },
  }) as unknown as RequestHandler;
}
