import restify from 'restify';
import type { Logger } from '../shared/logger';
import type { RelayGateway, RelayHttpReply, RelayHttpRequest } from '../services/relay/gateway';
import { RELAY_PATHS } from '../shared/relay-protocol/messages';

/** Relay messages are small; anything bigger is not a relay talking. */
const MAX_RELAY_BODY = 64 * 1024;

/**
 * Routes `/api/relay/*` to the gateway. The body is read raw here (not parsed by restify's
 * bodyParser) because the relay signed its exact bytes; the gateway checks the signature first
 * and only then parses the JSON. Without a configured relay every route answers 503.
 */
export function registerRelayApi(server: restify.Server, gateway: RelayGateway | null, logger: Logger): void {
  const route =
    (handle: (gw: RelayGateway, req: RelayHttpRequest, raw: restify.Request) => Promise<RelayHttpReply>) =>
    async (req: restify.Request, res: restify.Response) => {
      const correlationId = req.getId();
      if (!gateway) {
        send(res, {
          status: 503,
          body: { code: 'no-relay', message: 'no relay is configured', correlationId },
        });
        return;
      }
      try {
        send(res, await handle(gateway, relayRequest(req, correlationId), req));
      } catch (err) {
        logger.error({ err, path: req.url, correlationId }, 'relay request failed');
        send(res, { status: 500, body: { code: 'internal', message: 'the request failed', correlationId } });
      }
    };
  const reader = restify.plugins.bodyReader({ maxBodySize: MAX_RELAY_BODY });

  server.post(
    RELAY_PATHS.poll,
    reader,
    route((gw, req) => gw.poll(req)),
  );
  server.post(
    '/api/relay/jobs/:jobId/result',
    reader,
    route((gw, req, raw) => gw.result(req, String(raw.params.jobId))),
  );
  server.post(
    RELAY_PATHS.events,
    reader,
    route((gw, req) => gw.event(req)),
  );
}

function relayRequest(req: restify.Request, correlationId: string): RelayHttpRequest {
  const body: unknown = req.body;
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
  return {
    method: req.method ?? 'POST',
    path: req.url ?? '',
    headers: req.headers,
    body: text,
    correlationId,
  };
}

function send(res: restify.Response, reply: RelayHttpReply): void {
  if (reply.body === undefined) {
    res.send(reply.status);
  } else {
    res.json(reply.status, reply.body);
  }
}
