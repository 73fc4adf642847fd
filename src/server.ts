import restify from 'restify';
import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { HealthMonitor } from './services/health';
import type { Logger } from './logger';

/** What the HTTP server routes to. */
export interface ServerParts {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  health: HealthMonitor;
  logger: Logger;
}

/**
 * The HTTP surface: Bot Framework activities on `POST /api/messages` and health on
 * `GET /healthz`. Nothing else is exposed.
 */
export function createServer(parts: ServerParts): restify.Server {
  const server = restify.createServer({ name: 'anchor' });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));

  server.post('/api/messages', async (req, res) => {
    await parts.adapter.process(req, res, (context) => parts.bot.run(context));
  });

  server.get('/healthz', async (_req, res) => {
    res.json(200, await parts.health.report());
  });

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
