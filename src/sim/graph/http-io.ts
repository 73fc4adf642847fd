import type http from 'node:http';

/**
 * Writes a whole response. No chaining on writeHead: restify, loaded in the same process in
 * demo mode, patches http.ServerResponse globally and its writeHead does not return `this`.
 */
export function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
}

/** Reads a request body as UTF-8 text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Request headers as a flat object with lower-case names. */
export function flatHeaders(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
