import type { IncomingMessage } from 'node:http';

/** A request body read as it was sent: the exact text, for a signature over its bytes. */
export interface RawBody {
  ok: true;
  text: string;
}

/** Why a body was not read: the status to answer and a line that names no library. */
export interface RawBodyRefusal {
  ok: false;
  status: 400 | 413 | 415;
  message: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a request body of at most `maxBytes` as UTF-8 text, and never throws.
 *
 * restify's bodyReader inflates a body sent with `content-encoding: gzip` or `deflate`, and a body
 * that is not what its header says makes zlib emit an error nothing listens for: one
 * unauthenticated request stops the process. Nothing Anchor receives is compressed, so any
 * encoding but `identity` is refused (415) before a byte is read; a body over the limit is 413,
 * one that is not UTF-8 (or breaks off) 400.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<RawBody | RawBodyRefusal> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    return Promise.resolve(refusal(415, 'the body must not be compressed (content-encoding)'));
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    return Promise.resolve(refusal(413, `the body is larger than ${maxBytes} bytes`));
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: RawBody | RawBodyRefusal) => {
      req.removeAllListeners('data');
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop keeping it, but let the rest drain, so the answer still reaches the client.
        req.removeAllListeners('data');
        req.resume();
        done(refusal(413, `the body is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', () => done(refusal(400, 'the body could not be read')));
    req.once('aborted', () => done(refusal(400, 'the body could not be read')));
    req.once('end', () => {
      try {
        done({ ok: true, text: UTF8.decode(Buffer.concat(chunks)) });
      } catch {
        done(refusal(400, 'the body is not UTF-8 text'));
      }
    });
  });
}

function refusal(status: RawBodyRefusal['status'], message: string): RawBodyRefusal {
  return { ok: false, status, message };
}
