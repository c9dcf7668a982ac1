// The interactive API docs at /api/v1/docs: Swagger UI from the swagger-ui-dist package on this machine,
// reading /api/v1/openapi.json. Nothing loads from elsewhere (no CDN, no validator badge), like the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';

const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The only files served from the package: a request names one of these, never a path. */
const FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INDEX = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Vigil API</title>
  <link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/v1/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/api/v1/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: the default sends the document to validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#swagger-ui', validatorUrl: null, deepLinking: true, persistAuthorization: false });\n`;

// Swagger UI sets inline styles, so style-src allows them; scripts come only from here.
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function docsPageRoutes() {
  const files = new Map(
    Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(path.join(dist, name)) }]),
  );
  const headers = (type: string) => ({
    'content-type': type,
    'content-security-policy': CSP,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  return new Hono()
    .get('/', (c) => c.body(INDEX, 200, headers('text/html; charset=utf-8')))
    .get('/init.js', (c) => c.body(INIT, 200, headers('text/javascript; charset=utf-8')))
    .get('/:file', (c) => {
      const file = files.get(c.req.param('file'));
      if (!file) return c.json({ error: `no docs file ${c.req.param('file')}` }, 404);
      return c.body(new Uint8Array(file.body), 200, headers(file.type));
    });
}
