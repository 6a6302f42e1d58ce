package io.sluice.bench.chaos;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The source database of a chaos run, started for it: where the table {@code chaos.items (id, n, body, amount, ts)}
 * lives, how the sync connects, how a fault cuts the sync's sessions, and how the reference content is read.
 * Implementations: {@link PostgresChaosServer}, {@link MariaDbChaosServer}.
 */
interface ChaosServer extends AutoCloseable {

  /** Creates {@code chaos.items} with {@code rows} rows (ids 1..rows, some bodies large). */
  void createTable(int rows);

  /** The sync's source config; its password is the environment variable {@code passwordVariable}. */
  ObjectNode sourceConfig(String passwordVariable);

  /** The password {@link #sourceConfig} refers to. */
  String password();

  /** A connection for the workload or for reading the reference; the caller closes it. */
  Connection connect() throws SQLException;

  /** Ends every server session of the sync (its readers and its change log connection) from the server side. */
  void terminateSyncSessions() throws SQLException;

  /** The source table as the reference: id, n, body, amount, ts (an instant). */
  TableChecksum content() throws SQLException;

  @Override
  void close();
}
