/**
 * The network between the app and its server, under the test's control: a pass-through proxy
 * on 127.0.0.1 that can add latency (to watch a long sync) or go down (the server is unreachable:
 * connections are cut, as when Wi-Fi drops).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardBackendKey } from '../../support/backend';

export class NetworkLink {
  /** Added before each request is forwarded. */
  latencyMs = 0;
  /** Cut every connection instead of forwarding. */
  down = false;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async open(target: string): Promise<NetworkLink> {
    const upstream = new URL(target);
    // The handler needs the link, which needs the listening server: filled in below.
    const created: { link?: NetworkLink } = {};
    const server = http.createServer((request, response) => {
      const current = created.link;
      if (!current || current.down) {
        request.socket.destroy();
        return;
      }
      setTimeout(() => {
        if (current.down) {
          request.socket.destroy();
          return;
        }
        const forwarded = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: request.method,
            path: request.url,
            headers: { ...request.headers, host: upstream.host },
          },
          (reply) => {
            response.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(response);
          },
        );
        forwarded.on('error', () => request.socket.destroy());
        request.pipe(forwarded);
      }, current.latencyMs);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    created.link = new NetworkLink(server, `http://127.0.0.1:${port}`);
    // The app behind the link sends the key of the server in front of which it sits.
    forwardBackendKey(created.link.url, target);
    return created.link;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
