/*
 * Preloaded (`node --import`) into the Microsoft 365 Agents Playground CLI, which listens on
 * every interface and has no option or setting for the address (0.2.x: `server.listen(port)`).
 * The demo's Playgrounds talk to an unauthenticated bot, so they must be reachable from this
 * machine only: every TCP server this process opens listens on 127.0.0.1, whatever it asked for.
 * Plain JavaScript, no TypeScript: the CLI runs on plain node. The CLI is CommonJS; node:net is
 * one module for both, so patching it here patches what the CLI requires. Unix sockets and handles
 * are left alone.
 */
import net from 'node:net';

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

/** True for `listen(port, ...)`: a port number, or a string of digits. */
function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && first.path === undefined && first.fd === undefined) {
    if (!('_handle' in first) && !('handle' in first)) args[0] = { ...first, host: LOOPBACK };
  } else if (isPort(first) || first === undefined || typeof first === 'function') {
    const port = isPort(first) ? first : 0;
    const rest = isPort(first) || first === undefined ? args.slice(1) : args;
    // listen(port, host, backlog, callback): a host of its own is replaced, the rest kept.
    if (typeof rest[0] === 'string') rest.shift();
    return listen.call(this, port, LOOPBACK, ...rest);
  }
  return listen.apply(this, args);
};
