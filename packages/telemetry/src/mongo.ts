import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

const MAX_COMMANDS_IN_FLIGHT = 10_000;

/**
 * A CLIENT span per MongoDB command, from the driver's command monitoring (the client needs
 * `monitorCommands`), as a child of the span the command runs under: the command name, collection, database
 * and server only, never the command document (it holds filters and values). Commands outside any traced
 * request or job (index checks, outbox polls between passes) start no trace of their own.
 *
 * Made from the client's own events rather than by patching the driver module, so each service's commands carry
 * its own service name when the one-process stack runs several side by side.
 */
export function traceMongoCommands(client: MongoClient, tracer: Tracer): void {
  const inFlight = new Map<string, Span>();
  const key = (event: { connectionId?: unknown; requestId: number }) =>
    `${String(event.connectionId)}:${event.requestId}`;
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording() || inFlight.size >= MAX_COMMANDS_IN_FLIGHT) return;
    const collection = collectionOf(event);
    const [host, port] = splitAddress(event.address);
    const span = tracer.startSpan(
      collection ? `${event.commandName} ${collection}` : event.commandName,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'mongodb',
          'db.namespace': event.databaseName,
          'db.operation.name': event.commandName,
          ...(collection ? { 'db.collection.name': collection } : {}),
          // the names instrumentation-mongodb reports, for dashboards built on those
          'db.system': 'mongodb',
          'db.name': event.databaseName,
          'db.operation': event.commandName,
          ...(collection ? { 'db.mongodb.collection': collection } : {}),
          'server.address': host,
          ...(port ? { 'server.port': port } : {}),
        },
      },
      parent,
    );
    inFlight.set(key(event), span);
  });
  const finish = (event: CommandSucceededEvent | CommandFailedEvent, failure?: Error) => {
    const span = inFlight.get(key(event));
    if (!span) return;
    inFlight.delete(key(event));
    if (failure) {
      const code = (failure as { codeName?: unknown }).codeName;
      span.setAttribute('error.type', typeof code === 'string' ? code : failure.name);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  client.on('commandSucceeded', (event: CommandSucceededEvent) => finish(event));
  client.on('commandFailed', (event: CommandFailedEvent) => finish(event, event.failure));
}

/** The collection a command works on, when its document names one (getMore names it apart). */
function collectionOf(event: CommandStartedEvent): string | null {
  const command = event.command as Record<string, unknown>;
  const target = event.commandName === 'getMore' ? command.collection : command[event.commandName];
  return typeof target === 'string' ? target : null;
}

function splitAddress(address: string): [string, number | null] {
  const at = address.lastIndexOf(':');
  if (at <= 0) return [address, null];
  const port = Number(address.slice(at + 1));
  return Number.isInteger(port) ? [address.slice(0, at), port] : [address, null];
}
