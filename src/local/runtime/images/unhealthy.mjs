// Local image `ecskit/unhealthy`: listens like a web app but answers 500 to
// everything, so container and target-group health checks fail (the
// rollback / circuit-breaker demo).
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: 'this image is unhealthy on purpose' }));
});
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '0.0.0.0', () => {
  console.log(`unhealthy image listening on ${process.env.HOST ?? '0.0.0.0'}:${process.env.PORT ?? 8080}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
