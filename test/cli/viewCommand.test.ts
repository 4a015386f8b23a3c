/** The `balms view` server: loopback only, its own Host only, nothing outside the given files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../src/cli/viewServer.js';
import { viewCommand } from '../../src/cli/viewCommand.js';
import { inputErrorOfAsync } from '../helpers/inputErrors.js';

const dir = mkdtempSync(join(tmpdir(), 'balms-viewsrv-'));
let server: ViewServer;

function get(path: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  mkdirSync(join(dir, 'images'));
  writeFileSync(join(dir, 'assets/view.js'), '// page');
  writeFileSync(join(dir, 'images/a.png'), 'png');
  writeFileSync(join(dir, 'secret.json'), '{"secret":1}');
  writeFileSync(join(dir, 'gt.json'), '{"images":[]}');
  server = await startViewServer({ gt: join(dir, 'gt.json'), images: join(dir, 'images'), assetsDir: join(dir, 'assets'), port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('view server', () => {
  it('listens on 127.0.0.1 and serves the page, the session, the files and the images', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await get('/')).body).toContain('/assets/view.js');
    expect(JSON.parse((await get('/api/session')).body)).toEqual({ gt: join(dir, 'gt.json'), results: null, checkpoint: null, images: true });
    expect((await get('/files/gt')).body).toBe('{"images":[]}');
    expect((await get('/images/a.png')).body).toBe('png');
    expect((await get('/assets/view.js')).body).toBe('// page');
  });

  it('refuses other Host headers (DNS rebinding) and anything outside the given files', async () => {
    expect((await get('/files/gt', 'evil.example:80')).status).toBe(403);
    expect((await get('/files/gt', `evil.example:${server.port}`)).status).toBe(403);
    for (const p of ['/images/../secret.json', '/images/..%2Fsecret.json', '/files/results', '/files/__proto__', '/assets/..%2F..%2Fsecret.json', '/wasm/x.js']) {
      expect((await get(p)).status, p).toBe(404);
    }
  });

  it('says when the page is not built', async () => {
    await expect(startViewServer({ assetsDir: join(dir, 'images'), port: 0 })).rejects.toThrow(/npm run build/);
  });
});

describe('balms view arguments', () => {
  it('names a missing file, a bad port and a checkpoint without images (BalmsInputError: one line, exit 2)', async () => {
    expect((await inputErrorOfAsync(viewCommand.run(['--gt', join(dir, 'nope.json')]))).message).toBe(`${join(dir, 'nope.json')}: --gt: no such file`);
    expect((await inputErrorOfAsync(viewCommand.run(['--port', '70000']))).message).toBe("--port: expected an integer from 0 to 65535, got '70000'");
    expect((await inputErrorOfAsync(viewCommand.run(['--checkpoint', join(dir, 'gt.json')]))).message).toMatch(/--checkpoint needs --images/);
    expect((await inputErrorOfAsync(viewCommand.run(['--images', join(dir, 'gt.json')]))).message).toMatch(/--images: image folder not found/);
  });
});
