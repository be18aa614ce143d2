import { Client, Connection } from '@temporalio/client';
import { UserError, errorMessage } from '../errors.js';

/** Connects a client, turning an unreachable server into one actionable line. */
export async function connectClient(address: string, namespace: string): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5s' });
  } catch (error) {
    throw new UserError(
      `temporal: cannot reach ${address} (${errorMessage(error)}): start the local stack with \`imagelake stack up\` or fix TEMPORAL_ADDRESS`,
    );
  }
  return new Client({ connection, namespace });
}
