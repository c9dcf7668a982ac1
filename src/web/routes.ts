// Serves the command-room page (static files from src/web/public; no CDN, works offline).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const files: Record<string, string> = { 'index.html': 'text/html; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };

export function webRoutes() {
  const app = new Hono();
  const send = (name: string) => () =>
    new Response(readFileSync(path.join(dir, name)), {
      headers: {
        'content-type': files[name],
        'cache-control': 'no-cache',
        // The page loads nothing from elsewhere; say so to the browser too.
        'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'",
      },
    });
  app.get('/', send('index.html'));
  for (const name of Object.keys(files)) app.get(`/${name}`, send(name));
  return app;
}
