// Cluster mode with real Chromium: two ssehub instances share one redis-server (both started
// here on free ports) behind an nginx load balancer. The demo page subscribes through the
// balancer; the instance serving it is stopped; the browser reconnects by itself, lands on the
// other instance with Last-Event-ID, and receives every event published meanwhile exactly once.
//
// usage: node cluster.mjs /path/to/ssehub
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, fail, finish, launchChromium, publish, waitFor } from './common.mjs';

const binary = process.argv[2];
const children = [];
const work = mkdtempSync(join(tmpdir(), 'ssehub-cluster-'));

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function run(command, args, readyPattern) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DISPLAY; delete env.WAYLAND_DISPLAY;
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${out}`)), 10000);
    const onData = (chunk) => {
      out += chunk;
      const m = readyPattern ? readyPattern.exec(out) : null;
      if (m) { clearTimeout(timer); resolve({ child, match: m }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
    if (!readyPattern) { clearTimeout(timer); resolve({ child }); }
  });
}

async function waitPort(port) {
  const { connect } = await import('node:net');
  await waitFor(`port ${port}`, () => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  }));
}

async function browserStream(base) {
  try {
    const res = await fetch(`${base}/connections`);
    return (await res.json()).connections.find((c) => /Chrom/.test(c.user_agent));
  } catch {
    return undefined;
  }
}

let browser;
try {
  const redisPort = await freePort();
  await run('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '',
                             '--appendonly', 'no', '--dir', work]);
  await waitPort(redisPort);
  const instances = [];
  for (const name of ['node-a', 'node-b']) {
    const { child, match } = await run(binary, [
      '--headless', '--listen', '127.0.0.1:0', '--retry', '1500ms', '--data-dir', '',
      '--redis', `redis://127.0.0.1:${redisPort}`, '--node-id', name,
    ], /listening on (http:\/\/127\.0\.0\.1:(\d+))/);
    instances.push({ name, child, base: match[1], port: Number(match[2]) });
  }
  // Both instances are in the registry once they talk to Redis.
  await waitFor('both instances registered', async () => {
    const res = await fetch(`${instances[0].base}/nodes`);
    return (await res.json()).nodes.length === 2;
  });

  const lbPort = await freePort();
  mkdirSync(join(work, 'nginx'));
  writeFileSync(join(work, 'nginx', 'nginx.conf'), `
worker_processes 1;
daemon off;
master_process off;
pid ${work}/nginx/nginx.pid;
error_log ${work}/nginx/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${work}/nginx/body;
  proxy_temp_path ${work}/nginx/proxy;
  fastcgi_temp_path ${work}/nginx/fastcgi;
  uwsgi_temp_path ${work}/nginx/uwsgi;
  scgi_temp_path ${work}/nginx/scgi;
  upstream ssehub { server 127.0.0.1:${instances[0].port}; server 127.0.0.1:${instances[1].port}; }
  server {
    listen 127.0.0.1:${lbPort};
    location / {
      proxy_pass http://ssehub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}`);
  await run('nginx', ['-c', join(work, 'nginx', 'nginx.conf'), '-p', join(work, 'nginx')]);
  await waitPort(lbPort);
  const lb = `http://127.0.0.1:${lbPort}`;

  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${lb}/?topic=demo/%23`);
  await page.waitForFunction(() => document.getElementById('state').textContent === 'open');
  check(true, 'the demo page opened an EventSource through the load balancer');

  // Which instance serves the browser?
  const first = await waitFor('the browser stream', async () => {
    for (const instance of instances) {
      const stream = await browserStream(instance.base);
      if (stream) return { instance, stream };
    }
    return undefined;
  });
  const other = instances.find((i) => i !== first.instance);
  console.log(`# the browser is on ${first.instance.name}`);

  // Published on the other instance: reaches the browser through Redis.
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await publish(other.base, `demo/n${i}`, { n: i }));
  await page.waitForFunction(() => window.ssehubReceived.length === 3);
  check(true, 'events published on one instance reach a browser on the other');

  // The serving instance goes away; events are published meanwhile.
  first.instance.child.kill('SIGTERM');
  await new Promise((resolve) => first.instance.child.once('exit', resolve));
  for (let i = 3; i < 7; i++) ids.push(await publish(other.base, `demo/n${i}`, { n: i }));
  const moved = await waitFor('the browser on the other instance', () => browserStream(other.base));
  check(Boolean(moved), `the browser reconnected by itself, now to ${other.name}`);
  await page.waitForFunction(() => window.ssehubReceived.length >= 7, null, { timeout: 15000 });

  ids.push(await publish(lb, 'demo/live', { n: 7 }));
  await page.waitForFunction(() => window.ssehubReceived.length >= 8);
  await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up by now
  const received = await page.evaluate(() => window.ssehubReceived.map((e) => e.id));
  check(JSON.stringify(received) === JSON.stringify(ids),
        `every event exactly once, in order (got ${JSON.stringify(received)}, expected ${JSON.stringify(ids)})`);
  const types = await page.evaluate(() => window.ssehubReceived.map((e) => e.type));
  check(types.every((t) => t === 'message'), 'no reset: the other instance resumed without a gap');
  check(ids.every((id) => /^\d+-\d+$/.test(id)), 'event ids are Redis Stream entry ids');
} catch (error) {
  fail(error);
} finally {
  if (browser) await browser.close();
  for (const child of children.reverse()) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  await new Promise((r) => setTimeout(r, 200));
  rmSync(work, { recursive: true, force: true });
}
finish();
