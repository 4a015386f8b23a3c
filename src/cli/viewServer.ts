/**
 * The local server behind `balms view`: listens on 127.0.0.1 only, answers only requests whose Host
 * is the loopback address it listens on, and serves the page, its bundled scripts, the files named
 * on the command line, the image folder (by file name, nothing above it) and the wasm binaries.
 * The page does every computation itself; the server only hands out bytes.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { BalmsInputError } from '../util/errors.js';
import type { ViewFileKind, ViewSession } from '../browser/viewProtocol.js';

export interface ViewServerOptions {
  gt?: string;
  results?: string;
  images?: string;
  checkpoint?: string;
  /** 0: any free port. */
  port?: number;
  /** The folder of the bundled page scripts (`dist/view`, built by `npm run build`). */
  assetsDir: string;
}

export interface ViewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
};

export const VIEW_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>balms view</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>balms view needs JavaScript.</noscript>
<script type="module" src="/assets/view.js"></script>
</body>
</html>
`;

function wasmDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return null;
  }
}

/** A file name inside a folder, or null when the name could step outside it. */
function inside(dir: string, name: string): string | null {
  if (!name || name !== basename(name) || name === '.' || name === '..' || name.includes('\\')) return null;
  const p = join(dir, name);
  return existsSync(p) && statSync(p).isFile() ? p : null;
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function sendFile(res: ServerResponse, path: string | null): void {
  if (!path) return send(res, 404, 'not found');
  res.writeHead(200, {
    'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': statSync(path).size,
    'cache-control': 'no-store',
  });
  createReadStream(path).pipe(res);
}

export async function startViewServer(opts: ViewServerOptions): Promise<ViewServer> {
  if (!existsSync(join(opts.assetsDir, 'view.js'))) {
    throw new BalmsInputError("the page's scripts are not built: run 'npm run build' in the balms folder", { file: opts.assetsDir });
  }
  const session: ViewSession = { gt: opts.gt ?? null, results: opts.results ?? null, checkpoint: opts.checkpoint ?? null, images: !!opts.images };
  const files: Record<ViewFileKind, string | undefined> = { gt: opts.gt, results: opts.results, checkpoint: opts.checkpoint };
  const wasm = wasmDir();
  let port = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    // Loopback only, and only for pages that call us by our own address (no DNS rebinding).
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(res, 403, 'forbidden');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    const path = decodeURIComponent(new URL(req.url ?? '/', `http://${host}`).pathname);
    if (path === '/') return send(res, 200, VIEW_PAGE_HTML, TYPES['.html']);
    if (path === '/api/session') return send(res, 200, JSON.stringify(session), TYPES['.json']);
    const [, area, name = ''] = /^\/([a-z]+)\/(.*)$/.exec(path) ?? [];
    if (area === 'assets') return sendFile(res, inside(opts.assetsDir, name));
    if (area === 'wasm') return sendFile(res, wasm && name.endsWith('.wasm') ? inside(wasm, name) : null);
    if (area === 'files') return sendFile(res, Object.hasOwn(files, name) ? (files[name as ViewFileKind] ?? null) : null);
    if (area === 'images' && opts.images) return sendFile(res, inside(opts.images, name));
    return send(res, 404, 'not found');
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) send(res, 400, 'bad request');
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new BalmsInputError(`port ${opts.port} is in use`, { path: '--port' }) : e),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
