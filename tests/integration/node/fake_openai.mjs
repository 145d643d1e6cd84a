// A misbehaving OpenAI-compatible server for `sluice bench` tests, over HTTP or HTTPS. The
// request header `x-fake-mode` picks the answer:
//   ok (default)  three content chunks, a usage chunk and [DONE]
//   malformed     an SSE event whose data is not JSON
//   html          200 with an HTML page instead of SSE (a non-OpenAI server)
//   cut           one content chunk, then the connection is destroyed mid-stream
// Every request's headers are kept in `seen` so tests can check what the client sent.
import http from 'node:http';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

function chunk(content) {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
}

function handle(seen, req, res) {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    seen.push({ headers: req.headers, body });
    const mode = req.headers['x-fake-mode'] ?? 'ok';
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>not an API</body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (mode === 'malformed') {
      res.end('data: {this is not json\n\n');
      return;
    }
    if (mode === 'cut') {
      res.write(chunk(' the'), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.write(chunk(' the') + chunk(' model') + chunk(' data'));
    res.end(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })}\n\ndata: [DONE]\n\n`);
  });
}

/// A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI.
export function makeCertificate() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert, keyPem: readFileSync(key), certPem: readFileSync(cert) };
}

export async function startFake({ tls } = {}) {
  const seen = [];
  const server = tls
    ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, (q, s) => handle(seen, q, s))
    : http.createServer((q, s) => handle(seen, q, s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
