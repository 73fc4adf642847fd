const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for https, and for plain http only to this machine (tests, demo mode): nothing else may carry secrets. */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}
