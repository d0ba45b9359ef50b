import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { OPENSEARCH_PLUGIN, PROMETHEUS_JOB } from '../../grafana/datasources.js';
import { serveCommand } from '../../cli/commands/serve.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { REPO_ROOT, provisionedDatasources, readRepoFile, readYaml, runTool, toolMessage } from './provisioning-files.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: (string | { target: number; published?: number | string; protocol?: string; host_ip?: string })[];
  volumes?: (string | { type: string; source: string; target: string })[];
  command?: string | string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
}

/** The sources a runtime image holds (Dockerfile COPY and .dockerignore allow-list agree on these). */
const RUNTIME_SOURCE_DIRS = ['core', 'cli', 'collector', 'sinks', 'scorer', 'opensearch', 'pipeline', 'postgres', 'alerts', 'api'];

function serveDefault(flag: string): unknown {
  const option = serveCommand().options.find((o) => o.long === flag);
  if (option === undefined) throw new Error(`siemad serve has no ${flag}`);
  return option.defaultValue;
}

/** `docker-compose config`: the file as Compose understands it (variables resolved, paths absolute). */
function composeConfig(binary: string): { status: number | null; output: string; services: Record<string, ComposeService> } {
  const result = runTool(binary, ['-f', join(REPO_ROOT, 'docker-compose.yml'), 'config']);
  const services = result.status === 0 ? (parse(result.output) as { services: Record<string, ComposeService> }).services : {};
  return { ...result, services };
}

function portTargets(service: ComposeService | undefined): string[] {
  return (service?.ports ?? []).map((port) => {
    if (typeof port !== 'string') return `${port.target}/${port.protocol ?? 'tcp'}`;
    const [target, protocol = 'tcp'] = (port.split(':').at(-1) ?? '').split('/');
    return `${target}/${protocol}`;
  });
}

/** `host:port` of a datasource URL (Grafana's PostgreSQL datasource takes a bare `host:port`). */
function hostPort(url: string): string {
  if (/^[a-z0-9.-]+:\d+$/i.test(url)) return url;
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}`;
}

t.test('docker-compose (v1) accepts docker-compose.yml and wires the stack together', async (t) => {
  const binary = await requireService(t, 'docker-compose', async () =>
    requireBinary('docker-compose', 'install the docker-compose package'),
  );
  if (binary === undefined) return;
  const { status, output, services } = composeConfig(binary);
  t.equal(status, 0, toolMessage('docker-compose config accepts the file', { status, output }));
  if (status !== 0) return;

  t.same(Object.keys(services).sort(), [
    'alertmanager',
    'grafana',
    'opensearch',
    'opensearch-dashboards',
    'opensearch-dashboards-init',
    'postgres',
    'prometheus',
    'redis',
    'siemad',
  ]);
  t.same(services.alertmanager?.profiles, ['alerting'], 'Alertmanager is optional');

  const siemad = services.siemad;
  t.match(siemad?.environment, { SIEMAD_WINDOW_STORE: 'redis', SIEMAD_OPENSEARCH_URL: 'http://opensearch:9200' });
  t.equal(new URL(siemad?.environment?.SIEMAD_REDIS_URL ?? 'x:').hostname, 'redis');

  // Alerts live in the compose PostgreSQL; the collector waits for it to be healthy.
  const postgres = services.postgres;
  const database = new URL(siemad?.environment?.SIEMAD_DATABASE_URL ?? 'x:');
  t.equal(database.hostname, 'postgres', 'the collector uses the postgres service');
  t.equal(database.port, '5432');
  t.equal(database.username, postgres?.environment?.POSTGRES_USER, 'as the user the image creates');
  t.equal(database.pathname, `/${postgres?.environment?.POSTGRES_DB}`, 'in the database the image creates');
  t.equal(decodeURIComponent(database.password), postgres?.environment?.POSTGRES_PASSWORD, 'with its password');
  t.same((siemad?.depends_on as Record<string, { condition: string }>)?.postgres, { condition: 'service_healthy' });
  t.match(JSON.stringify(postgres?.healthcheck?.test), 'pg_isready', 'PostgreSQL has a health check');
  t.ok(
    (postgres?.volumes ?? []).some((v) =>
      (typeof v === 'string' ? v : `${v.source}:${v.target}`).startsWith('postgres-data:/var/lib/postgresql/data'),
    ),
    'its data lives in a named volume',
  );
  t.match(postgres?.image, /^postgres:\d+/);
  t.equal(
    services.grafana?.environment?.SIEMAD_GRAFANA_DB_PASSWORD,
    postgres?.environment?.SIEMAD_GRAFANA_DB_PASSWORD,
    'Grafana gets the read-only password the init script sets',
  );
  t.same(
    portTargets(siemad).sort(),
    [
      `${serveDefault('--udp-port')}/udp`,
      `${serveDefault('--tcp-port')}/tcp`,
      `${serveDefault('--tls-port')}/tcp`,
      `${serveDefault('--metrics-port')}/tcp`,
      `${serveDefault('--api-port')}/tcp`,
    ].sort(),
    'siemad publishes the ports serve listens on by default',
  );

  t.match(services.opensearch?.environment, {
    DISABLE_SECURITY_PLUGIN: 'true',
    'discovery.type': 'single-node',
    OPENSEARCH_JAVA_OPTS: '-Xms1g -Xmx1g',
  });
  t.match(services.opensearch?.image, /^opensearchproject\/opensearch:2\./);
  t.match(services.grafana?.environment?.GF_INSTALL_PLUGINS, OPENSEARCH_PLUGIN);

  // Bind mounts point at files of this repository.
  for (const [name, service] of Object.entries(services)) {
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : volume.type === 'bind' ? volume.source : undefined;
      if (source === undefined || !source.startsWith('/')) continue;
      t.ok(existsSync(source), `${name}: ${relative(REPO_ROOT, source)} exists`);
      t.ok(resolve(source).startsWith(join(REPO_ROOT, 'provisioning')), `${name}: mounts from provisioning/`);
      if (source.endsWith('init'))
        t.ok(
          statSync(source).isDirectory() && readdirSync(source).every((file) => (statSync(join(source, file)).mode & 0o111) !== 0),
          `${name}: init scripts are executable`,
        );
    }
  }
  const init = services['opensearch-dashboards-init'];
  t.match(JSON.stringify(init?.command), '/api/saved_objects/_import', 'the init container imports the saved objects');
  t.match(JSON.stringify(init?.command), '/provisioning/saved-objects.ndjson');

  // Addresses in the provisioning files are compose services and their ports.
  const knownPorts: Record<string, number> = {
    siemad: Number(serveDefault('--metrics-port')),
    opensearch: 9200,
    prometheus: 9090,
    alertmanager: 9093,
    postgres: 5432,
  };
  const prometheus = readYaml<{
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  }>('provisioning', 'prometheus', 'prometheus.yml');
  const addresses = [
    ...(prometheus.scrape_configs.find((scrape) => scrape.job_name === PROMETHEUS_JOB)?.static_configs.flatMap((c) => c.targets) ?? []),
    ...prometheus.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets)),
    ...provisionedDatasources().map((ds) => hostPort(ds.url)),
  ];
  t.ok(addresses.length >= 6);
  for (const address of addresses) {
    const [host, port] = address.split(':');
    t.equal(knownPorts[host!], Number(port), `${address} is a compose service port`);
    t.ok(services[host!] !== undefined, `${host} is a compose service`);
  }
});

t.test('the Dockerfile builds a non-root node:20-slim image that serves the default ports and probes /healthz', async (t) => {
  const dockerfile = readRepoFile('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const expose = instructions
    .find((line) => line.startsWith('EXPOSE '))
    ?.split(/\s+/)
    .slice(1)
    .sort();
  t.same(
    expose,
    [
      `${serveDefault('--udp-port')}/udp`,
      `${serveDefault('--tcp-port')}/tcp`,
      `${serveDefault('--tls-port')}/tcp`,
      `${serveDefault('--metrics-port')}/tcp`,
      `${serveDefault('--api-port')}/tcp`,
    ].sort(),
  );
  t.match(dockerfile, /^ARG NODE_IMAGE=node:20-slim$/m);
  t.match(
    instructions.find((line) => line.startsWith('HEALTHCHECK')),
    '/healthz',
  );
  const user = instructions.filter((line) => line.startsWith('USER ')).at(-1);
  t.ok(user !== undefined && user !== 'USER root', `runs as ${user}`);
  t.match(dockerfile, 'npm ci --omit=dev');
  t.match(dockerfile, 'ONNXRUNTIME_NODE_INSTALL=skip');
  t.match(dockerfile, 'COPY models/current ./models/current');
  t.match(dockerfile, 'COPY postgres/migrations ./postgres/migrations', 'the image holds the migrations it applies at start');
  for (const dir of RUNTIME_SOURCE_DIRS) t.match(dockerfile, `COPY ${dir} ./${dir}`, `the image compiles ${dir}/`);
  const allowed = readRepoFile('.dockerignore')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1));
  for (const dir of RUNTIME_SOURCE_DIRS) t.ok(allowed.includes(dir), `.dockerignore lets ${dir}/ into the build context`);
});

t.test('the runtime sources the image copies import nothing from outside them', async (t) => {
  const roots = RUNTIME_SOURCE_DIRS.map((dir) => join(REPO_ROOT, dir));
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) files.push(path);
    }
  };
  for (const root of roots) walk(root);
  t.ok(files.length > 50, `${files.length} files`);
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1]!);
      if (!roots.some((root) => target.startsWith(root + sep)))
        t.fail(`${relative(REPO_ROOT, file)} imports ${match[1]} from outside the image's sources`);
    }
  }
});
