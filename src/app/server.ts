import restify from 'restify';
import type { MessagesEndpoint } from '../bot/messages-endpoint';
import type { HealthMonitor } from '../services/health/health-monitor';
import type { RelayGateway } from '../services/relay/gateway';
import type { Logger } from '../shared/logger';
import { registerHealthRoute } from './health-route';
import { readRawBody } from './raw-body';
import { registerRelayApi } from './relay-routes';

/** What the HTTP server routes to. */
export interface ServerParts {
  /** The bot, which answers Bot Framework activities. */
  messages: MessagesEndpoint;
  health: HealthMonitor;
  logger: Logger;
  /** The relay API; null when no relay is configured (its routes then answer 503). */
  relay: RelayGateway | null;
  /** HEALTH_TOKEN: unlocks the details of /healthz; without it /healthz only says the instance is up. */
  healthToken?: string;
}

/** Bot Framework activities are small; a card invoke is the largest, well under this. */
const MAX_MESSAGE_BODY = 1024 * 1024;

/**
 * The HTTP surface: Bot Framework activities on `POST /api/messages`, health on `GET /healthz`
 * and the on-prem relay's `/api/relay/*`. Nothing else is exposed.
 */
export function createServer(parts: ServerParts): restify.Server {
  const server = restify.createServer({ name: 'anchor' });
  // Read raw, not parsed: the messages endpoint authenticates the sender before it parses a body
  // (a parser's error would answer an unauthenticated caller). Not with restify's bodyReader: a
  // compressed body that does not inflate makes it throw where nothing catches, ending the process.
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const body = await readRawBody(req, MAX_MESSAGE_BODY);
    if (!body.ok) {
      res.json(body.status, { code: 'bad-body', message: body.message, correlationId: req.getId() });
      return;
    }
    req.body = body.text;
    await parts.messages.process(req, res);
  });
  registerRelayApi(server, parts.relay, parts.logger);

  registerHealthRoute(server, parts.health, parts.healthToken, parts.logger);

  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error, next: () => void) => {
    parts.logger.warn({ method: req.method, url: req.url, status: res.statusCode, err }, 'http error');
    next();
  });
  return server;
}

/** Starts listening and resolves with the bound port (useful when the port was 0). */
export function listen(server: restify.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve(server.address().port);
    });
  });
}
