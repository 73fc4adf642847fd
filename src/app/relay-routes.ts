import type restify from 'restify';
import type { Logger } from '../shared/logger';
import type { RelayGateway, RelayHttpReply, RelayHttpRequest } from '../services/relay/gateway';
import { MAX_RESULT_BYTES, RELAY_PATHS } from '../shared/relay-protocol/messages';
import { readRawBody } from './raw-body';

/** Polls and events are small; anything bigger is not a relay talking. */
const MAX_RELAY_BODY = 64 * 1024;

/** The result route; its job id is checked by the gateway, after the signature. */
const RESULT_ROUTE = '/api/relay/jobs/:jobId/result';

/** Every other path under the relay API, and every method but POST: a generic 404 or 405. */
const ANY_RELAY_PATH = '/api/relay/*';
const KNOWN_PATH = /^\/api\/relay\/(poll|events|jobs\/[^/]*\/result)\/?$/;

/**
 * Routes `/api/relay/*` to the gateway. The body is read raw here (not parsed by restify) because
 * the relay signed its exact bytes; the gateway checks the signature first and only then parses
 * the JSON. Without a configured relay every route answers 503.
 *
 * Every answer is JSON of `{ code, message, correlationId }` in Anchor's words: an unknown path,
 * a wrong method, a compressed or oversized body are refused here without restify's own error
 * text, and a fault is a 500 that says nothing about it (the log does).
 */
export function registerRelayApi(server: restify.Server, gateway: RelayGateway | null, logger: Logger): void {
  const route =
    (
      handle: (gw: RelayGateway, req: RelayHttpRequest, raw: restify.Request) => Promise<RelayHttpReply>,
      maxBytes = MAX_RELAY_BODY,
    ) =>
    async (req: restify.Request, res: restify.Response) => {
      const correlationId = req.getId();
      if (!gateway) {
        send(res, reply(503, 'no-relay', 'no relay is configured', correlationId));
        return;
      }
      const body = await readRawBody(req, maxBytes);
      if (!body.ok) {
        logger.warn(
          { path: req.url, status: body.status, correlationId },
          `relay request refused: ${body.message}`,
        );
        send(res, reply(body.status, 'bad-request', body.message, correlationId));
        return;
      }
      // A long poll is held open: when its connection closes first (the relay stopped, a proxy cut
      // it), the gateway must stop waiting and must not hand a job to nobody.
      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableEnded) gone.abort();
      });
      try {
        const relayReq = { ...relayRequest(req, body.text, correlationId), signal: gone.signal };
        send(res, await handle(gateway, relayReq, req));
      } catch (err) {
        logger.error({ err, path: req.url, correlationId }, 'relay request failed');
        send(res, reply(500, 'internal', 'the request failed', correlationId));
      }
    };

  server.post(
    RELAY_PATHS.poll,
    route((gw, req) => gw.poll(req)),
  );
  server.post(
    RESULT_ROUTE,
    // A result may carry directory users or OUs (issue 19); the relay keeps it within this bound.
    route((gw, req, raw) => gw.result(req, String(raw.params.jobId)), MAX_RESULT_BYTES),
  );
  server.post(
    RELAY_PATHS.events,
    route((gw, req) => gw.event(req)),
  );
  registerFallbacks(server);
}

/**
 * Every other method and path under `/api/relay/` gets Anchor's own 404 or 405, not restify's
 * (which repeats the path back).
 */
function registerFallbacks(server: restify.Server): void {
  const elsewhere = async (req: restify.Request, res: restify.Response) => {
    const path = (req.url ?? '').split('?')[0];
    const known = req.method !== 'POST' && KNOWN_PATH.test(path);
    send(
      res,
      known
        ? reply(405, 'method-not-allowed', 'the relay API takes only POST', req.getId())
        : reply(404, 'not-found', 'there is no such relay route', req.getId()),
    );
  };
  const methods = [server.get, server.post, server.put, server.patch, server.del, server.head, server.opts];
  for (const add of methods) add.call(server, ANY_RELAY_PATH, elsewhere);
  // A path the router cannot decode (`%E0%A4%A`) or match (a job id past the router's parameter
  // length) never reaches a route: restify would answer its own 404 or 405; this answers instead.
  const unrouted = (req: restify.Request, res: restify.Response, _err: Error, next: () => void) => {
    if (/^\/api\/relay(\/|\?|$)/i.test(req.url ?? '')) {
      send(res, reply(404, 'not-found', 'there is no such relay route', req.getId()));
    }
    next();
  };
  server.on('NotFound', unrouted);
  server.on('MethodNotAllowed', unrouted);
}

function relayRequest(req: restify.Request, body: string, correlationId: string): RelayHttpRequest {
  return {
    method: req.method ?? 'POST',
    path: req.url ?? '',
    headers: req.headers,
    body,
    correlationId,
  };
}

function reply(status: number, code: string, message: string, correlationId: string): RelayHttpReply {
  return { status, body: { code, message, correlationId } };
}

function send(res: restify.Response, answer: RelayHttpReply): void {
  if (answer.body === undefined) {
    res.send(answer.status);
  } else {
    res.json(answer.status, answer.body);
  }
}
