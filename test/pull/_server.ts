/**
 * A loopback HTTP server for pull tests: serves files the test gives it (with Range), the Hub's
 * `resolve` URLs and the two Hub API calls dapt makes, and injects faults: a status, a connection
 * cut after some bytes, a request left unanswered, a required token. Logs every request.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault = { kind: 'status'; status: number } | { kind: 'cut'; afterBytes: number } | { kind: 'hang' };

export interface HubRepo {
  /** branch or tag → commit */
  refs: Record<string, string>;
  /** commit → files; `lfs` files are listed with their sha256 as the Hub does for large files */
  commits: Record<string, Record<string, { data: Buffer; lfs: boolean }>>;
  /** A bearer token the repository requires (a private or gated model). */
  token?: string;
}

export class TestServer {
  readonly files = new Map<string, Buffer>();
  readonly hub = new Map<string, HubRepo>();
  readonly requests: { path: string; range: string | undefined; auth: string | undefined }[] = [];
  /** Faults consumed in order by the first request whose path matches. */
  readonly faults: { match: RegExp; fault: Fault }[] = [];
  /** Bytes served at a `resolve` path instead of the listed file's: a corrupted CDN copy. */
  readonly tamper = new Map<string, Buffer>();
  /** Serve files whole (200) even to Range requests, as some servers do. */
  ignoreRange = false;
  #server: Server | null = null;
  #sockets = new Set<Socket>();

  get url(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    this.#server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((ok) => this.#server?.close(() => ok()) ?? ok());
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    this.requests.push({ path, range: req.headers.range, auth: req.headers.authorization });
    const i = this.faults.findIndex((f) => f.match.test(path));
    const fault = i >= 0 ? this.faults.splice(i, 1)[0]!.fault : null;
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return void res.writeHead(fault.status).end(`injected ${fault.status}`);
    const hub = this.#hub(path, req, res);
    if (hub === 'answered') return;
    const body = hub ?? this.files.get(path);
    if (body === undefined) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    this.#send(req, res, body, fault);
  }

  #send(req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Fault | null): void {
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    if (start >= body.length && start > 0 && !this.ignoreRange) return void res.writeHead(416).end();
    const partial = start > 0 && !this.ignoreRange;
    const slice = partial ? body.subarray(start) : body;
    res.writeHead(partial ? 206 : 200, {
      'content-length': slice.length,
      ...(partial ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (fault?.kind === 'cut') {
      // the promised length is never sent: the client sees a truncated body
      res.write(slice.subarray(0, fault.afterBytes), () => res.socket?.destroy());
      return;
    }
    res.end(slice);
  }

  /** Hub routes: the file body to send, 'answered' when done here, or undefined for other paths. */
  #hub(path: string, req: IncomingMessage, res: ServerResponse): Buffer | 'answered' | undefined {
    const api = /^\/api\/models\/(.+)\/(revision|tree)\/([^/]+)$/.exec(path);
    const resolve = /^\/(.+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const id = api?.[1] ?? resolve?.[1];
    const repo = id === undefined ? undefined : this.hub.get(id);
    if (id === undefined) return undefined;
    const json = (status: number, value: unknown): 'answered' => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      return 'answered';
    };
    // the Hub answers 401 for a repository it does not show to this caller, whether or not it exists
    if (repo === undefined) return json(401, { error: 'Repository not found' });
    if (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`) return json(req.headers.authorization ? 403 : 401, { error: 'Access to this model is restricted' });
    const revision = api?.[3] ?? resolve![2]!;
    const commit = repo.refs[revision] ?? (repo.commits[revision] ? revision : undefined);
    if (commit === undefined) return json(404, { error: `Revision Not Found for url ${path}` });
    const files = repo.commits[commit]!;
    if (api?.[2] === 'revision') return json(200, { _id: `id-${id}`, id, sha: commit, private: repo.token !== undefined });
    if (api?.[2] === 'tree') {
      return json(
        200,
        Object.entries(files).map(([p, f]) => ({
          type: 'file',
          path: p,
          size: f.data.length,
          oid: gitSha1(f.data),
          ...(f.lfs ? { lfs: { oid: sha256(f.data), size: f.data.length, pointerSize: 134 } } : {}),
        })),
      );
    }
    const file = files[resolve![3]!];
    return file === undefined ? json(404, { error: 'Entry not found' }) : (this.tamper.get(path) ?? file.data);
  }
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const gitSha1 = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
