// Starts an ssehub of its own for a node test: headless, nothing kept on disk, on a free port of
// 127.0.0.1 unless `args` name a --listen. Resolves to {child, base}.
import { spawn } from 'node:child_process';

export function startHub(binary, args = []) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DISPLAY; delete env.WAYLAND_DISPLAY;
    const listen = args.includes('--listen') ? [] : ['--listen', '127.0.0.1:0'];
    const child = spawn(binary, ['--headless', ...listen, '--data-dir', '', ...args],
                        { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('ssehub did not start')); }, 10000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1] }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`ssehub exited with ${code}`)); });
  });
}
