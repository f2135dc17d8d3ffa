'use strict';
// Node preload (node -r scripts/loopback.js ...): every TCP server this process
// opens listens on 127.0.0.1 only. The emulators bind 0.0.0.0 and have no
// option to change that. http, https, tls and http2 servers all inherit
// net.Server.prototype.listen; any of them that overrides listen is patched too.
// Unix-socket paths and inherited handles/fds are left alone.
const net = require('net');

const HOST = '127.0.0.1';

function isPort(value) {
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

function rewrite(args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') {
    // listen() / listen(cb): an ephemeral port on every interface by default.
    return [0, HOST, ...args.slice(first === undefined ? 1 : 0)];
  }
  if (isPort(first)) {
    // listen(port[, host][, backlog][, cb])
    const second = args[1];
    if (second === undefined || second === null || typeof second === 'string') {
      return [first, HOST, ...args.slice(2)];
    }
    return [first, HOST, ...args.slice(1)];
  }
  if (first !== null && typeof first === 'object') {
    const isHandle = first._handle !== undefined || first.fd !== undefined
        || first instanceof net.Server || first instanceof net.Socket;
    if (isHandle || first.path) {
      return args;
    }
    const options = Object.assign({}, first, { host: HOST });
    delete options.ipv6Only;
    return [options, ...args.slice(1)];
  }
  return args; // listen(path[, cb]): a unix socket.
}

function patch(proto) {
  if (!proto || !Object.prototype.hasOwnProperty.call(proto, 'listen')) {
    return;
  }
  const original = proto.listen;
  if (original.__aiokplLoopback) {
    return;
  }
  const loopbackListen = function listen(...args) {
    return original.apply(this, rewrite(args));
  };
  loopbackListen.__aiokplLoopback = true;
  proto.listen = loopbackListen;
}

patch(net.Server.prototype);
for (const mod of ['http', 'https', 'tls']) {
  patch(require(mod).Server.prototype);
}
// http2 exports no server class: walk a (never listening) instance's prototype chain.
for (let proto = Object.getPrototypeOf(require('http2').createServer());
     proto && proto !== net.Server.prototype; proto = Object.getPrototypeOf(proto)) {
  patch(proto);
}
