/**
 * An in-process MLflow tracking server for tests: the REST endpoints dapt uses, held in memory,
 * validating requests as MLflow does (batch limits, key rules, immutable params), with a request
 * log and fault injection (status codes, HTML error pages, dropped connections, being down).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MLFLOW_LIMITS, mlflowKeyProblem } from '../../src/track/mlflow-names.ts';

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  bytes: number;
  headers: Record<string, string | string[] | undefined>;
}

export type Fault =
  | { kind: 'status'; status: number; body: string; contentType?: string }
  /** Close the connection without handling the request. */
  | { kind: 'drop-before' }
  /** Handle the request (the store changes), then close the connection without answering. */
  | { kind: 'drop-after' }
  /** Handle the request, call `onHang`, and never answer. */
  | { kind: 'hang-after' };

interface Run {
  info: { run_id: string; run_uuid: string; experiment_id: string; run_name: string; user_id: string; status: string; start_time: number; end_time?: number; artifact_uri: string; lifecycle_stage: string };
  params: Map<string, string>;
  tags: Map<string, string>;
  metrics: { key: string; value: number | string; timestamp: number; step: number }[];
}

export class FakeMlflowServer {
  readonly requests: LoggedRequest[] = [];
  readonly experiments = new Map<string, { experiment_id: string; name: string; lifecycle_stage: string }>();
  readonly runs = new Map<string, Run>();
  readonly artifacts = new Map<string, Buffer>();
  /** Faults consumed in order by requests matching their predicate. */
  readonly faults: { match: (r: LoggedRequest) => boolean; fault: Fault }[] = [];
  onHang: (r: LoggedRequest) => void = () => undefined;
  #server: Server | null = null;
  #port = 0;
  #sockets = new Set<Socket>();
  #nextExperiment = 1;
  #nextRun = 1;

  get uri(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => void this.#handle(req, res));
    server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.#port, '127.0.0.1', ok);
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: clients get ECONNREFUSED until `start()` again (same port). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const s of this.#sockets) s.destroy();
    if (server) await new Promise<void>((ok) => server.close(() => ok()));
  }

  fail(fault: Fault, match: (r: LoggedRequest) => boolean = () => true, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ match, fault });
  }

  calls(path: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const isJson = (req.headers['content-type'] ?? '').includes('json');
    const logged: LoggedRequest = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: Object.fromEntries(url.searchParams),
      body: isJson && raw.length ? JSON.parse(raw.toString('utf8')) : raw,
      bytes: raw.length,
      headers: req.headers,
    };
    this.requests.push(logged);
    const i = this.faults.findIndex((f) => f.match(logged));
    const fault = i >= 0 ? this.faults.splice(i, 1)[0]!.fault : null;
    if (fault?.kind === 'drop-before') return void req.socket.destroy();
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html' });
      return void res.end(fault.body);
    }
    let status = 200;
    let answer: unknown;
    try {
      answer = this.#route(logged);
    } catch (e) {
      const err = e as { status?: number; code?: string; message: string };
      status = err.status ?? 500;
      answer = { error_code: err.code ?? 'INTERNAL_ERROR', message: err.message };
    }
    if (fault?.kind === 'drop-after') return void req.socket.destroy();
    if (fault?.kind === 'hang-after') return void this.onHang(logged);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  #route(r: LoggedRequest): unknown {
    const api = '/api/2.0/mlflow/';
    if (r.method === 'PUT' && r.path.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
      this.artifacts.set(r.path.slice('/api/2.0/mlflow-artifacts/artifacts/'.length), r.body as Buffer);
      return {};
    }
    const endpoint = `${r.method} ${r.path.startsWith(api) ? r.path.slice(api.length) : r.path}`;
    const b = r.body;
    switch (endpoint) {
      case 'GET experiments/get-by-name': {
        const e = [...this.experiments.values()].find((x) => x.name === r.query.experiment_name);
        if (!e) throw { status: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: `Could not find experiment with name '${r.query.experiment_name}'` };
        return { experiment: e };
      }
      case 'POST experiments/create': {
        if ([...this.experiments.values()].some((x) => x.name === b.name)) throw { status: 400, code: 'RESOURCE_ALREADY_EXISTS', message: `Experiment '${b.name}' already exists.` };
        const id = String(this.#nextExperiment++);
        this.experiments.set(id, { experiment_id: id, name: b.name, lifecycle_stage: 'active' });
        return { experiment_id: id };
      }
      case 'POST runs/create': {
        if (!this.experiments.has(b.experiment_id)) throw { status: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: 'no experiment' };
        const id = `run${String(this.#nextRun++).padStart(4, '0')}`;
        const run: Run = {
          info: { run_id: id, run_uuid: id, experiment_id: b.experiment_id, run_name: b.run_name, user_id: b.user_id, status: 'RUNNING', start_time: b.start_time, artifact_uri: `mlflow-artifacts:/${b.experiment_id}/${id}/artifacts`, lifecycle_stage: 'active' },
          params: new Map(),
          tags: new Map((b.tags ?? []).map((t: { key: string; value: string }) => [t.key, t.value])),
          metrics: [],
        };
        this.runs.set(id, run);
        return { run: { info: run.info, data: {} } };
      }
      case 'GET runs/get':
        return { run: { info: this.#run(r.query.run_id ?? "").info } };
      case 'POST runs/search': {
        const m = /^tags\.`([^`]+)` = '([^']*)'$/.exec(b.filter ?? '');
        if (!m || b.max_results === undefined) throw { status: 400, code: 'INVALID_PARAMETER_VALUE', message: 'unsupported search' };
        const runs = [...this.runs.values()].filter((x) => b.experiment_ids.includes(x.info.experiment_id) && x.tags.get(m[1]!) === m[2]);
        return runs.length ? { runs: runs.slice(0, b.max_results).map((x) => ({ info: x.info })) } : {};
      }
      case 'POST runs/log-batch':
        return this.#logBatch(r);
      case 'POST runs/set-tag':
        this.#checkKey(b.key);
        this.#run(b.run_id).tags.set(b.key, b.value);
        return {};
      case 'POST runs/update': {
        const run = this.#run(b.run_id);
        run.info.status = b.status;
        if (b.end_time !== undefined) run.info.end_time = b.end_time; // MLflow keeps the old one
        return { run_info: run.info };
      }
      case 'GET metrics/get-history': {
        if (r.query.max_results === undefined) throw { status: 400, code: 'INVALID_PARAMETER_VALUE', message: 'test server: max_results is required' };
        const max = Number(r.query.max_results);
        const all = this.#run(r.query.run_id ?? "").metrics.filter((m) => m.key === r.query.metric_key);
        const start = Number(r.query.page_token ?? 0);
        const page = all.slice(start, start + max);
        return { metrics: page, ...(start + max < all.length ? { next_page_token: String(start + max) } : {}) };
      }
    }
    throw { status: 404, code: 'ENDPOINT_NOT_FOUND', message: `no ${endpoint}` };
  }

  #run(id: string): Run {
    const run = this.runs.get(id);
    if (!run) throw { status: 404, code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${id}' not found` };
    return run;
  }

  #checkKey(key: string): void {
    const problem = mlflowKeyProblem(key);
    if (problem) throw { status: 400, code: 'INVALID_PARAMETER_VALUE', message: `Invalid name '${key}': ${problem}` };
  }

  #logBatch(r: LoggedRequest): unknown {
    const b = r.body;
    const L = MLFLOW_LIMITS;
    const bad = (message: string) => ({ status: 400, code: 'INVALID_PARAMETER_VALUE', message });
    if (r.bytes > L.bytesPerBatch) throw bad(`request of ${r.bytes} bytes`);
    const metrics = b.metrics ?? [], params = b.params ?? [], tags = b.tags ?? [];
    if (metrics.length > L.metricsPerBatch || params.length > L.paramsPerBatch || tags.length > L.tagsPerBatch) throw bad('too many');
    if (metrics.length + params.length + tags.length > L.itemsPerBatch) throw bad('too many items');
    for (const x of [...metrics, ...params, ...tags]) this.#checkKey(x.key);
    for (const p of params) if ([...p.value].length > L.paramValueLength) throw bad('param value too long');
    for (const t of tags) if ([...t.value].length > L.tagValueLength) throw bad('tag value too long');
    const run = this.#run(b.run_id);
    for (const p of params) {
      const old = run.params.get(p.key);
      if (old !== undefined && old !== p.value) throw bad(`Changing param values is not allowed (${p.key})`);
    }
    for (const p of params) run.params.set(p.key, p.value);
    for (const t of tags) run.tags.set(t.key, t.value);
    for (const m of metrics) run.metrics.push({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 });
    return {};
  }
}

export async function startFakeMlflow(): Promise<FakeMlflowServer> {
  const server = new FakeMlflowServer();
  await server.start();
  return server;
}
