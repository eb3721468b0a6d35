// The GraphQL-over-HTTP spec's own audit suite (graphql-http's serverAudits) against a live
// server: `node audit.mjs http://127.0.0.1:8000/graphql`.
//
// Prints one line per audit, "<status> <id> <name>[: <reason>]", then a summary line, and a
// last line "RESULTS <json>" for tests/web/test_graphql_http_audit.py to read. Exits 1 when any
// audit did not pass (an error, a warning or a notice alike), 2 on a usage or network failure.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint url>');
  process.exit(2);
}

const results = [];
// One at a time, in the suite's order: every line is one request's verdict.
for (const { fn } of serverAudits({ url })) {
  const result = await fn();
  const line = `${result.status.toUpperCase().padEnd(6)} ${result.id} ${result.name}`;
  console.log(result.status === 'ok' ? line : `${line}: ${result.reason}`);
  results.push({ id: result.id, name: result.name, status: result.status,
                 reason: result.reason ?? null });
}

const count = (status) => results.filter((r) => r.status === status).length;
console.log(`${results.length} audits: ${count('ok')} ok, ${count('warn')} warn, ` +
            `${count('notice')} notice, ${count('error')} error`);
console.log(`RESULTS ${JSON.stringify(results)}`);
process.exit(results.every((r) => r.status === 'ok') ? 0 : 1);
